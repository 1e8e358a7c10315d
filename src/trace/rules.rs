//! The trace rules: what `--trace` can find in a capture, each with its doc for `--explain`.
//! They are listed by `--list-rules` and selected like the configuration rules.

use crate::diagnostic::Severity;
use crate::rules::{Category, RuleMeta};

pub static TRACE_RULES: &[&RuleMeta] = &[
    &CREDENTIALS_REJECTED,
    &DIGEST_MISMATCH,
    &REALM_MISMATCH,
    &CHALLENGE_UNANSWERED,
    &STALE_NONCE_LOOP,
    &FORBIDDEN_AFTER_AUTH,
    &NO_RESPONSE,
    &NAT_PRIVATE_ADDRESS,
    &NO_MATCHING_ENDPOINT,
];

pub fn find(name: &str) -> Option<&'static RuleMeta> {
    TRACE_RULES.iter().copied().find(|meta| meta.name == name)
}

pub static CREDENTIALS_REJECTED: RuleMeta = RuleMeta {
    name: "trace-credentials-rejected",
    category: Category::Trace,
    severity: Severity::Error,
    summary: "the answer matches the configured password, yet the other side refuses it",
    doc: r#"# trace-credentials-rejected

## What
In the capture, Asterisk answered a digest challenge and got 401/407 again (not
`stale=true`), and the `response` it sent, recomputed from the auth's `password` in this file,
**matches**. Asterisk sent exactly what the file says; the other side holds different
credentials.

## Why
A registrar or proxy refuses a correct digest of the wrong secret. The usual causes:
the provider's password differs (a typo, a case difference, a password changed in its portal),
or the provider expects another authentication user (account id instead of the DID). Asterisk
logs only `Temporal response '401'` or `Authentication credentials not accepted by server`;
the `Failed to authenticate` line is in the provider's log. With
`auth_rejection_permanent=yes` (the default) the registration stops until a reload.

As server (a phone answering Asterisk), a refusal of an answer that matches this file means the
running Asterisk is not using this file's auth (edited but not reloaded).

## Example
```ini
[provider-auth]
type=auth
username=4420
password=Acme-Trunk-51   ; the provider has Acme-Trunk-5l
```

## Fix
Set `password` (and `username`) to the provider's values, then `pjsip reload`.

## When it does not apply
The answer does not match this file (see
`trace-digest-mismatch`), or the refusal is a 403 (`trace-forbidden-after-auth`).
"#,
    fix: None,
};

pub static DIGEST_MISMATCH: RuleMeta = RuleMeta {
    name: "trace-digest-mismatch",
    category: Category::Trace,
    severity: Severity::Error,
    summary: "a refused answer does not match the password (or username, realm) of the auth it should use",
    doc: r#"# trace-digest-mismatch

## What
An answer to a digest challenge was refused, and recomputing its `response` from the
auth this file would use gives another value (or its username or realm is not the auth's).

## Why
As server (a phone registering to Asterisk), Asterisk identifies the endpoint (by
`identify` match, then the From user, in `endpoint_identifier_order`), takes the auth of its
`auth` list with the answer's username, and compares the response computed from that auth's
password: the device uses another password, and Asterisk logs
`Request 'REGISTER' from '...' failed for '...' - Failed to authenticate`. As client, Asterisk's
own answer not matching its file means the running Asterisk uses other credentials (the file
was edited but not reloaded), or something on the way changed the fields the digest covers
(realm, nonce, uri: a SIP ALG).

## Example
Auth `6001` has `password=Phone-Key-77`; the phone was given
`Phone-Key-78`.

## Fix
Make the device's password equal to the auth's `password` (or the other way round);
as client, `pjsip reload`, or turn off the router's SIP ALG.

## When it does not apply
The answer matches (see `trace-credentials-rejected`); a stale
nonce (`stale=true`) is not a mismatch.
"#,
    fix: None,
};

pub static REALM_MISMATCH: RuleMeta = RuleMeta {
    name: "trace-realm-mismatch",
    category: Category::Trace,
    severity: Severity::Error,
    summary: "the challenge's realm matches no auth Asterisk could answer with",
    doc: r#"# trace-realm-mismatch

## What
The provider challenged with a realm that no auth of the registration's or endpoint's
`outbound_auth` has, and none of them has an empty or `*` realm: Asterisk sent no answer.

## Why
For each challenge, res_pjsip_outbound_authenticator_digest.c looks for an auth whose
`realm` equals the challenge's (case aside), else one without a realm; with none it logs
`No auth objects matching realm/algorithm(s) 'REALM/MD5' from challenge found.` and the
registration stops (`Fatal response '401'`) until a reload.

## Example
```ini
[provider-auth]
type=auth
username=4420
password=...
realm=voip.carrier.example   ; the provider challenges with sip.carrier.example
```

## Fix
Remove the `realm` line (an auth without realm answers any challenge) or set it to the
challenge's realm, then `pjsip reload`.

## When it does not apply
Several auths for several realms on purpose, one of which matches.
"#,
    fix: None,
};

pub static CHALLENGE_UNANSWERED: RuleMeta = RuleMeta {
    name: "trace-challenge-unanswered",
    category: Category::Trace,
    severity: Severity::Error,
    summary: "Asterisk was challenged and had nothing to answer with",
    doc: r#"# trace-challenge-unanswered

## What
A REGISTER or INVITE Asterisk sent was challenged (401/407) and no request with
credentials followed, because the registration or endpoint has no `outbound_auth`, its auth
has no password, or the challenge's algorithm is not one the auth answers.

## Why
A registration uses only its own `outbound_auth` (not its endpoint's): without it
Asterisk logs `There were no auth ids available` and stops the registration
(`Fatal response '401' ... stopping outbound registration`) until a reload. An auth answers
only the algorithms of `supported_algorithms_uac` (MD5 by default).

## Example
```ini
[provider-reg]
type=registration
server_uri=sip:198.51.100.7
client_uri=sip:4420@sip.carrier.example
; no outbound_auth=provider-auth
```

## Fix
Add `outbound_auth=` with the auth holding the provider's credentials (or the
algorithm to `supported_algorithms_uac`), then `pjsip reload`.

## When it does not apply
The capture ends right after the challenge.
"#,
    fix: None,
};

pub static STALE_NONCE_LOOP: RuleMeta = RuleMeta {
    name: "trace-stale-nonce-loop",
    category: Category::Trace,
    severity: Severity::Warning,
    summary: "answers are refused with stale=true again and again",
    doc: r#"# trace-stale-nonce-loop

## What
The answer to a challenge was refused with `stale=true` at least twice in a row.

## Why
Asterisk's nonce is `<seconds>/<hash of seconds, source address, realm>` and is valid
for the auth's `nonce_lifetime` (32 s by default); an answer that comes later, or from another
source address (a NAT mapping that changes), gets a new challenge with `stale=true` and no log
line. One stale re-challenge is normal (a slow phone); a loop never authenticates.

## Example
A phone that waits 40 s before answering, with `nonce_lifetime=32`.

## Fix
Raise `nonce_lifetime` on the auth, fix the device's delay, or keep its NAT mapping
stable (keep-alives, `qualify_frequency`).

## When it does not apply
A single stale re-challenge followed by success.
"#,
    fix: None,
};

pub static FORBIDDEN_AFTER_AUTH: RuleMeta = RuleMeta {
    name: "trace-forbidden-after-auth",
    category: Category::Trace,
    severity: Severity::Error,
    summary: "a request with credentials was answered 403 Forbidden",
    doc: r#"# trace-forbidden-after-auth

## What
A request that carried credentials got 403 Forbidden.

## Why
A 403 after authentication is not about the password (that gets 401): the account is
refused. A provider answers so for a disabled account, registration not allowed, or a blocked
source address; Asterisk as registrar answers a REGISTER with 403 when the endpoint's aor has no
`max_contacts` (`AOR '...' has no configured max_contacts`). As client, Asterisk stops the
registration (`fatal response`) unless `forbidden_retry_interval` is set.

## Example
The provider's aor for the account has no `max_contacts`.

## Fix
As client, ask the provider (the credentials are right when the answer matches); as
registrar, set `max_contacts=1` (or more) on the aor.

## When it does not apply
A 403 without credentials (an ACL before any challenge).
"#,
    fix: None,
};

pub static NO_RESPONSE: RuleMeta = RuleMeta {
    name: "trace-no-response",
    category: Category::Trace,
    severity: Severity::Error,
    summary: "requests Asterisk sent were retransmitted and never answered",
    doc: r#"# trace-no-response

## What
Requests Asterisk sent to an address were retransmitted and that address answered
nothing at all in the capture.

## Why
Over UDP a request is retransmitted for 32 s (timers B/F), then Asterisk logs
`No response received from '...' on registration attempt to '...', retrying in '...'`. No
response means the request never arrived or the answer never came back: a firewall, NAT, a wrong
host, port or transport. The credentials were never tested: this is not an authentication
problem.

## Example
`server_uri=sip:198.51.100.7:5060` while the provider listens on TCP, or drops the
address.

## Fix
Check the `server_uri` (or the aor contact), the transport the provider expects, and
the firewalls between.

## When it does not apply
A capture that ends while the first request is retransmitted.
"#,
    fix: None,
};

pub static NAT_PRIVATE_ADDRESS: RuleMeta = RuleMeta {
    name: "trace-nat-private-address",
    category: Category::Trace,
    severity: Severity::Warning,
    summary: "Via or Contact carries a private address while the packets come from another one",
    doc: r#"# trace-nat-private-address

## What
The far end saw Asterisk's requests come from another address than the private one in
their Via and Contact (the Via's `received=`), or a device's requests arrive from another
address than its private Contact.

## Why
Behind NAT, Asterisk writes its own private address unless the transport has
`external_signaling_address` (and `local_net`); the provider then sends requests and responses
where they cannot arrive. A device behind NAT needs `rewrite_contact`, `force_rport` and
`rtp_symmetric` on its endpoint.

## Example
Via `192.168.1.10`, the provider's response says `received=203.0.113.5`.

## Fix
Set `external_signaling_address`, `external_media_address` and `local_net` on the
transport; for devices, `rewrite_contact=yes`, `force_rport=yes`, `rtp_symmetric=yes`.

## When it does not apply
The transport already sets `external_signaling_address`.
"#,
    fix: None,
};

pub static NO_MATCHING_ENDPOINT: RuleMeta = RuleMeta {
    name: "trace-no-matching-endpoint",
    category: Category::Trace,
    severity: Severity::Error,
    summary: "a request Asterisk received matches no endpoint of this file",
    doc: r#"# trace-no-matching-endpoint

## What
A request Asterisk received (and challenged) matches no endpoint: no identify
`match` covers its source address and no endpoint is named after its From user.

## Why
Res_pjsip identifies the endpoint in `endpoint_identifier_order` (`ip,username,...`):
an identify whose `match` covers the source, then the From user as `user@domain`, then `user`.
An unidentified request is still challenged (with an artificial auth), so the device sees a
401 loop that looks like a wrong password, while Asterisk logs `No matching endpoint found`.

## Example
A phone registering as `6003` when only endpoints `6001` and `6002` exist.

## Fix
Add the endpoint (with its auth and aor), or an identify for the address.

## When it does not apply
Requests meant for another system.
"#,
    fix: None,
};
