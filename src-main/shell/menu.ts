// The application menu: File (New, Open, Open Recent, Add Data Folder, Export, Compact), View (the four views),
// Help. Items call back into main.ts; none of them touches the project directly.
import { Menu } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../api/contract/index.ts';

export interface MenuActions {
  newProject(): void;
  openProject(path?: string): void;
  /** Forwarded to the page, which owns the views and the selection. */
  command(command: MenuCommand): void;
  help(): void;
}

export function buildMenu(actions: MenuActions, recent: string[], hasProject: boolean): Menu {
  const mac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'New Project…', accelerator: 'CmdOrCtrl+N', click: () => actions.newProject() },
        { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: () => actions.openProject() },
        {
          label: 'Open Recent',
          enabled: recent.length > 0,
          submenu: recent.length ? recent.map((p) => ({ label: p, click: () => actions.openProject(p) })) : [{ label: '(none)', enabled: false }],
        },
        { type: 'separator' },
        { label: 'Add Data Folder…', accelerator: 'CmdOrCtrl+Shift+A', enabled: hasProject, click: () => actions.command('add-folder') },
        { label: 'Export Selection…', accelerator: 'CmdOrCtrl+E', enabled: hasProject, click: () => actions.command('export') },
        { label: 'Compact Project File…', enabled: hasProject, click: () => actions.command('compact') },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        { label: 'Dataset', accelerator: 'CmdOrCtrl+1', enabled: hasProject, click: () => actions.command('show-dataset') },
        { label: 'Training', accelerator: 'CmdOrCtrl+2', enabled: hasProject, click: () => actions.command('show-training') },
        { label: 'Map', accelerator: 'CmdOrCtrl+3', enabled: hasProject, click: () => actions.command('show-map') },
        { label: 'Similar', accelerator: 'CmdOrCtrl+4', enabled: hasProject, click: () => actions.command('show-similar') },
        { type: 'separator' },
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'help', submenu: [{ label: 'Astromorph Help', click: () => actions.help() }] },
  ];
  return Menu.buildFromTemplate(template);
}
