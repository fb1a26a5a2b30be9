// Phase estimation (QASMBench pea_n5 style): four counting qubits estimate the
// phase 5/16 of u1(2*pi*5/16) on its eigenstate |1>, through controlled powers
// (cu1) and an inverse QFT with swaps: the counting register reads 0101 = 5.
OPENQASM 2.0;
include "qelib1.inc";
qreg q[5];
creg c[4];
x q[4];
h q[0];
h q[1];
h q[2];
h q[3];
cu1(2*pi*5/16) q[3],q[4];
cu1(2*2*pi*5/16) q[2],q[4];
cu1(4*2*pi*5/16) q[1],q[4];
cu1(8*2*pi*5/16) q[0],q[4];
swap q[0],q[3];
swap q[1],q[2];
h q[3];
cu1(-pi/2) q[3],q[2];
h q[2];
cu1(-pi/4) q[3],q[1];
cu1(-pi/2) q[2],q[1];
h q[1];
cu1(-pi/8) q[3],q[0];
cu1(-pi/4) q[2],q[0];
cu1(-pi/2) q[1],q[0];
h q[0];
barrier q;
measure q[0] -> c[0];
measure q[1] -> c[1];
measure q[2] -> c[2];
measure q[3] -> c[3];
