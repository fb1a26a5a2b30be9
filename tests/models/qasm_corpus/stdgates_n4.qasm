// OpenQASM 3 with stdgates.inc: every standard gate, the modifiers, a
// constant, a for loop, a parametrized gate with a global phase (which the
// controlled call turns into a relative phase), bit declarations and measure.
OPENQASM 3.0;
include "stdgates.inc";
const float theta = π / 3;
float[64] gamma = 0.25;
gate rot(a, b) x { rz(a) x; gphase(b); ry(a - b) x; }
gate cxx a, b, c { cx a, b; cx a, c; }
qubit[3] q;
qubit r;
bit[3] c;
U(0.3, 0.5, 0.7) q[0];
h q[1];
sx q[2];
u3(1.1, 0.2, -0.4) r;
x q[0]; y q[1]; z q[2]; s r; sdg q[0]; t q[1]; tdg q[2];
rx(theta) q[0];
ry(-theta / 2) q[1];
rz(gamma * 2) q[2];
p(0.4) r;
phase(-0.2) q[0];
id q[1];
u1(0.3) q[2];
u2(0.1, 0.9) r;
cx q[0], q[1]; CX q[1], q[2]; cy q[2], r; cz r, q[0];
cp(0.6) q[0], q[2]; cphase(0.2) q[1], r;
crx(0.7) q[2], q[0]; cry(0.8) r, q[1]; crz(0.9) q[0], r;
ch q[1], q[0];
swap q[2], r;
ccx q[0], q[1], q[2];
cswap r, q[0], q[2];
cu(0.4, 0.5, 0.6, 0.7) q[1], q[2];
for int i in [0:2] {
  rx(0.1 * i + 0.05) q[i];
  cx q[i], r;
}
rot(0.9, 0.4) q[1];
ctrl @ rot(0.9, 0.4) q[0], q[1];
negctrl @ rot(0.3, -1.2) r, q[2];
ctrl(2) @ rx(0.6) q[0], q[1], r;
ctrl @ gphase(0.5) q[2];
inv @ rot(0.2, 0.3) q[0];
pow(2) @ t q[1];
pow(0.5) @ sx q[2];
inv @ pow(-3) @ s r;
ctrl @ negctrl @ sx q[2], r, q[0];
cxx q[2], q[0], r;
inv @ cxx r, q[1], q[2];
c = measure q;
