// FitsError messages start with the file's path; where a listing already shows the path, drop it
// so each line says the reason once.
export function reasonWithoutPath(error: string, path: string): string {
  return error.startsWith(path + ': ') ? error.slice(path.length + 2) : error.startsWith(path + ' [') ? error.slice(path.length + 1) : error;
}
