// FitsError messages start with the file's path ("path [HDU 1]: problem"); where a listing already
// shows the path, drop it so each line says the reason once ("HDU 1: problem").
export function reasonWithoutPath(error: string, path: string): string {
  if (error.startsWith(path + ': ')) return error.slice(path.length + 2);
  const hdu = /^ \[(HDU \d+)\]: /.exec(error.slice(path.length));
  if (error.startsWith(path) && hdu) return `${hdu[1]}: ${error.slice(path.length + hdu[0].length)}`;
  return error;
}
