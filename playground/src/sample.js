// What the page shows before anything is typed: a small configuration with common mistakes.
export const sampleConfig = `; A pjsip.conf with mistakes pjsiplint finds. Edit it, or paste your own:
; it is linted here, in your browser, and sent nowhere.

[transport-udp]
type=transport
protocol=udp
bind=0.0.0.0

[6001]
type=endpoint
context=from-internal
disallow=all
allow=ulaw
auth=6001
aors=6001
rtp_symetric=yes

[6001]
type=auth
auth_type=userpass
username=6001
password=6001

[6001]
type=aor
max_contacts=1
max_contacts=2
`;
