// Native open/save dialogs for the service's chooseFolder/chooseProjectFile.
import { dialog } from 'electron';
import type { BrowserWindow } from 'electron';
import type { HostDialogs } from '../api/services/desktop-service.ts';

export function nativeDialogs(window: () => BrowserWindow | null): HostDialogs {
  return {
    async chooseFolder() {
      const win = window();
      const options = { title: 'Add a folder of FITS files', properties: ['openDirectory' as const] };
      const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async chooseProjectFile(create: boolean) {
      const win = window();
      const filters = [{ name: 'Astromorph project', extensions: ['amproj'] }];
      if (create) {
        const options = { title: 'New project', filters, defaultPath: 'survey.amproj' };
        const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
        return r.canceled ? null : (r.filePath ?? null);
      }
      const options = { title: 'Open project', filters, properties: ['openFile' as const] };
      const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
  };
}
