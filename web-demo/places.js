// The demo's fixed places: one remote, one backup, and the new backup a restored database
// moves to (the old one stays its original's); with a `cairn serve` beside the demo, a remote
// and a backup on it (their URLs under the server's). One author signs every commit.

export const REMOTE = { name: 'origin', url: 'idb://demo-remote' };
export const BACKUP = { name: 'backup1', url: 'idb://demo-backup' };
export const NEW_BACKUP = { name: 'backup2', url: 'idb://demo-backup2' };
export const AUTHOR = { name: 'Demo', email: 'demo@localhost' };

/** The remote and backup on a `cairn serve` server at `url` (an origin, no path). */
export const onServer = (url) => ({
  remote: { name: 'server', url: `${url}/demo/remote` },
  backup: { name: 'server-backup', url: `${url}/demo/backup` },
});
