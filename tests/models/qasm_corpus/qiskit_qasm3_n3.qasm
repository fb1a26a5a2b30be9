// The form qiskit.qasm3.dumps writes: custom gates with generated names,
// registers declared as `qubit[n]`, one measurement per bit.
OPENQASM 3.0;
include "stdgates.inc";
gate rzx(_gate_p_0) _gate_q_0, _gate_q_1 {
  h _gate_q_1;
  cx _gate_q_0, _gate_q_1;
  rz(_gate_p_0) _gate_q_1;
  cx _gate_q_0, _gate_q_1;
  h _gate_q_1;
}
gate ecr _gate_q_0, _gate_q_1 {
  rzx(pi/4) _gate_q_0, _gate_q_1;
  x _gate_q_0;
  rzx(-pi/4) _gate_q_0, _gate_q_1;
}
bit[3] c;
qubit[3] q;
h q[0];
rzx(0.35) q[0], q[1];
ecr q[1], q[2];
sx q[2];
rz(1.2) q[2];
cx q[2], q[0];
c[0] = measure q[0];
c[1] = measure q[1];
c[2] = measure q[2];
