//! What each VM operation answers besides its success: the status sets of the VM API.

use crate::adapters::http::errors::statuses;

statuses! {
    pub CreateVm [
        BadRequest,
        Unauthorized,
        Forbidden = "Not allowed: `quota_exceeded` (the message names the limit), `admin_required` (`owner_id` \
            is for admins), `read_only_token`, `access_code_required`, `account_disabled` or `csrf_rejected`.",
        NotFound = "`key_not_found`: no such key in your vault.",
        Conflict = "`hostname_taken`, `idempotency_conflict`, or `request_denied` (a replayed request an admin \
            denied).",
        PayloadTooLarge,
        UnsupportedMediaType,
        TooManyRequests = "`rate_limited`: a member's account has made as many machine requests as it may for \
            now (`Retry-After` says when to try again; admins are not limited), or `too_many_streams` (with \
            `Accept: application/x-ndjson`): your account holds as many open streams (machine events, \
            provision streams) as it may; close one and try again. Nothing was created.",
        Unavailable = "Nimbus cannot build it now: `not_configured`, `no_template`, `no_capacity`, \
            `pool_exhausted`, `proxmox_unavailable`, or the provision failed at a step and was rolled back \
            (`code` says why).",
    ];
    pub ListVms [
        BadRequest = "`all` is not a boolean.",
        Unauthorized,
        Forbidden = "Not allowed: `admin_required` (`all=true` is for admins), `access_code_required` or \
            `account_disabled`.",
    ] never [NotFound, Conflict, Unavailable];
    /// Reading one machine, its events or its kept private key.
    pub VmLookup [
        Unauthorized,
        Forbidden,
        NotFound = "No such machine of yours (`not_found`), or no private key is kept for it \
            (`no_private_key`).",
    ] never [BadRequest, Conflict, Unavailable];
    /// Following a machine's events.
    pub VmEvents [
        Unauthorized,
        Forbidden,
        NotFound = "No such machine of yours (`not_found`).",
        TooManyRequests = "`too_many_streams`: your account holds as many open streams (machine events, \
            provision streams) as it may; close one (a browser tab, a command following a machine) and \
            try again.",
    ] never [BadRequest, Conflict, Unavailable];
    pub RetryVm [
        Unauthorized,
        Forbidden,
        NotFound = "No such machine of yours (`not_found`), or its saved key is gone (`key_not_found`).",
        Conflict = "Only a rolled-back machine whose key is kept can be tried again, or `hostname_taken`.",
        Unavailable = "Nimbus cannot build it now: `not_configured`, `no_template`, `no_capacity`, \
            `pool_exhausted` or `proxmox_unavailable`.",
    ] never [BadRequest];
    pub DeleteVm [
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict = "The machine is busy, or cannot be deleted in its state (`code` is `conflict`).",
    ] never [BadRequest, Unavailable];
    /// Start, shut down, stop or reboot.
    pub PowerVm [
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict = "The machine is busy, already in that state, or cannot do it in its state.",
        Unavailable = "`proxmox_unavailable`: Proxmox cannot say whether the machine is running.",
    ] never [BadRequest];
    pub GetCatalog [Unauthorized, Forbidden];
}
