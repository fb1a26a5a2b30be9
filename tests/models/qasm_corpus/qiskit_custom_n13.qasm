// A qiskit-style export: custom gates with parameters (names sharing prefixes:
// a and ab, param0 and param01), a composite gate on 11 qubits with arguments
// q0 ... q10, a gate calling another, two registers.
OPENQASM 2.0;
include "qelib1.inc";
gate rzx(param0) q0,q1 { h q1; cx q0,q1; rz(param0) q1; cx q0,q1; h q1; }
gate ryy(param0) q0,q1 { rx(pi/2) q0; rx(pi/2) q1; cx q0,q1; rz(param0) q1; cx q0,q1; rx(-pi/2) q0; rx(-pi/2) q1; }
gate mix(a,ab) q0,q1 { ry(ab-a) q0; rz(2*a) q1; rzx(a*ab) q0,q1; }
gate twice(param0,param01) q0 { rx(-param0) q0; ry(param01/param0) q0; }
gate layer(a,ab) q0,q1,q2,q3,q4,q5,q6,q7,q8,q9,q10 {
  h q0; h q10; cx q1,q10; cx q10,q0;
  mix(a,ab) q9,q10;
  ryy(ab) q1,q10;
  cu1(a) q0,q10;
  crz(-ab) q10,q2;
  u(a,ab,a+ab) q3;
  rx(a^2) q4;
  twice(0.3-0.2,ab) q5;
  cswap q6,q7,q10;
  c3x q8,q9,q10,q1;
}
qreg q[11];
qreg anc[2];
creg c[11];
h anc;
layer(pi/4+pi/4,0.25) q[0],q[1],q[2],q[3],q[4],q[5],q[6],q[7],q[8],q[9],q[10];
layer(-0.5,1.5) q[10],q[9],q[8],q[7],q[6],q[5],q[4],q[3],q[2],anc[0],anc[1];
mix(0.1,0.2) anc[1],q[0];
cx anc[0],q[0];
measure q -> c;
