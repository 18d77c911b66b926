// FP4 E2M1 (OCP MX) decoder, bias 1, no Inf/NaN:
// value = (-1)^sign * sig * 2^(ex - 2), sig = {hidden, m}, ex = max(e, 1).
module rmmec_fp4_dec (
    input  wire [3:0] x,
    output wire       sign,
    output wire [1:0] sig,
    output wire [1:0] ex
);
    assign sign = x[3];
    assign sig  = {x[2:1] != 2'b00, x[0]};
    assign ex   = (x[2:1] == 2'b00) ? 2'd1 : x[2:1];
endmodule
