// Three registers and broadcasting: `cx a, b` acts pairwise, `h a` on each.
OPENQASM 2.0;
include "qelib1.inc";
qreg a[2];
qreg b[2];
qreg anc[2];
creg ca[2];
creg cb[2];
h a;
ry(0.4) b[1];
cx a, b;
crx(0.7) a[1], anc[0];
cy b[0], anc[1];
swap anc[1], a[0];
rzz(-0.3) b[0], anc[0];
measure a -> ca;
measure b -> cb;
