// One-bit full adder (QASMBench adder_n4 style): inputs a=1, b=1, carry-in 1;
// sum on q[2], carry-out on q[3].
OPENQASM 2.0;
include "qelib1.inc";
qreg q[4];
creg c[4];
x q[0];
x q[1];
x q[2];
h q[0];
h q[0];
ccx q[0],q[1],q[3];
cx q[0],q[1];
ccx q[1],q[2],q[3];
cx q[1],q[2];
cx q[0],q[1];
measure q[2] -> c[0];
measure q[3] -> c[1];
