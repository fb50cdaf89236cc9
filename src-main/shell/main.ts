// The Electron entry: the only place that imports electron. It wires one DesktopService (with native
// dialogs) to the window through the IPC adapter, builds the menu, keeps one instance and the window's
// place. The window runs sandboxed with context isolation and no Node; the page's CSP allows only itself.
import { app, BrowserWindow, dialog, ipcMain, Menu, screen, session, shell } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDispatch } from '../api/transport/dispatch.ts';
import { DesktopService } from '../api/services/desktop-service.ts';
import { EventHub } from '../api/contract/index.ts';
import type { MenuCommand } from '../api/contract/index.ts';
import { nativeDialogs } from './dialogs.ts';
import { mountIpc } from './ipc-adapter.ts';
import type { IpcMount } from './ipc-adapter.ts';
import { buildMenu } from './menu.ts';
import { RecentProjects } from './recent-projects.ts';
import { loadWindowState, rememberWindowState, visibleOn } from './window-state.ts';

const HELP_URL = 'https://github.com/astromorph/astromorph-desktop#readme';
const RENDERER_FILE = join(import.meta.dirname, '../renderer/index.html');
const DEV_URL = process.env.ELECTRON_RENDERER_URL;

let win: BrowserWindow | null = null;
let ipc: IpcMount | null = null;
const events = new EventHub();
const service = new DesktopService({ events, host: 'electron', dialogs: nativeDialogs(() => win) });
const dispatch = createDispatch(service);
let recent: RecentProjects;
let hasProject = false;
let quitting = false;

function trustedPage(url: string): boolean {
  if (DEV_URL) return url.startsWith(DEV_URL);
  return url === pathToFileURL(RENDERER_FILE).href || url.startsWith(`${pathToFileURL(RENDERER_FILE).href}#`);
}

function refreshMenu(): void {
  Menu.setApplicationMenu(buildMenu({
    newProject: () => void chooseAndOpen(true),
    openProject: (path) => void (path ? openProject(path) : chooseAndOpen(false)),
    command: (command: MenuCommand) => events.emit('menuCommand', { command }),
    help: () => void shell.openExternal(HELP_URL),
  }, recent.list(), hasProject));
}

async function chooseAndOpen(create: boolean): Promise<void> {
  const path = await nativeDialogs(() => win).chooseProjectFile(create);
  if (path) await openProject(path, create);
}

async function openProject(path: string, create = false): Promise<void> {
  try {
    const summary = create ? service.createPath(path) : service.openPath(path);
    recent.add(summary.path);
    hasProject = true;
    win?.setTitle(`${summary.name} — Astromorph`);
    refreshMenu();
  } catch (e) {
    dialog.showErrorBox('Cannot open the project', e instanceof Error ? e.message : String(e));
  }
}

function createWindow(): void {
  const stateFile = join(app.getPath('userData'), 'window-state.json');
  const state = loadWindowState(stateFile);
  const areas = screen.getAllDisplays().map((d) => d.workArea);
  const bounds = state.bounds && visibleOn(state.bounds, areas) ? state.bounds : { width: 1400, height: 900 };
  win = new BrowserWindow({
    ...bounds,
    minWidth: 900,
    minHeight: 600,
    show: false,
    backgroundColor: '#121418',
    title: 'Astromorph',
    icon: join(import.meta.dirname, '../../resources/icons/icon.png'),
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  if (state.maximized) win.maximize();
  rememberWindowState(win, stateFile);
  ipc = mountIpc(ipcMain, win.webContents, dispatch, events, trustedPage);
  // The page may not navigate or open windows; links go to the system browser.
  win.webContents.on('will-navigate', (e, url) => {
    if (!trustedPage(url)) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.once('ready-to-show', () => win?.show());
  win.on('closed', () => {
    ipc?.dispose();
    ipc = null;
    win = null;
  });
  if (DEV_URL) void win.loadURL(DEV_URL);
  else void win.loadFile(RENDERER_FILE);
}

/** A project path given on the command line (`astromorph-desktop survey.amproj`, or a second launch). */
function projectArgument(argv: string[]): string | undefined {
  return argv.slice(app.isPackaged ? 1 : 2).find((a) => a.endsWith('.amproj'));
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_e, argv) => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
    const path = projectArgument(argv);
    if (path) void openProject(path);
  });
  void app.whenReady().then(() => {
    recent = new RecentProjects(join(app.getPath('userData'), 'recent-projects.json'));
    // No permission (camera, notifications, …) is ever needed.
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    createWindow();
    refreshMenu();
    const path = projectArgument(process.argv);
    if (path) void openProject(path);
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (e) => {
    // Let a training run checkpoint before the project closes.
    if (!quitting) {
      e.preventDefault();
      quitting = true;
      void service.close().finally(() => app.quit());
    }
  });
}
