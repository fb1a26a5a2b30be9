// Teleportation with deferred measurement: the classically controlled
// corrections become cx and cz (no classical control), so q[2] ends in the
// state u3(0.3,0.2,0.1)|0> prepared on q[0].
OPENQASM 2.0;
include "qelib1.inc";
qreg q[3];
creg c0[1];
creg c1[1];
creg c2[1];
u3(0.3,0.2,0.1) q[0];
h q[1];
cx q[1],q[2];
barrier q[0],q[1],q[2];
cx q[0],q[1];
h q[0];
cx q[1],q[2];
cz q[0],q[2];
measure q[0] -> c0[0];
measure q[1] -> c1[0];
measure q[2] -> c2[0];
