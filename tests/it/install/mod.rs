//! `nimbus install`, `install --upgrade` and `uninstall` run as a user would run them, in a
//! temporary root: the `nimbus` user exists only in that root's /etc/passwd (checked by number),
//! and a stand-in `systemctl` starts and stops the unit's `ExecStart` as a real process with a
//! pid file, so the upgrade really replaces a running binary and the health wait really waits.

mod flows;
mod root;
