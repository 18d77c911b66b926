// Fixed-point absmax int8 activation quantizer (golden:
// act_quant_absmax_fixed_i8 in golden/ternary.h):
//   amax = max_k |x_k|;  q_k = sign(x_k) * rne(127 * |x_k| / amax), 0 if amax = 0.
// x are signed XW-bit fixed-point activations held in an on-chip buffer
// (written through x_we/x_addr/x_wdata while idle). start runs two passes over
// x[0..n-1]: a max-magnitude scan (1 element/cycle), then per element
// 127*|x| = (|x| << 7) - |x| (no multiplier) divided by amax in a
// combinational 7-step restoring long division (quotient <= 127), rounded
// half to even from the remainder, 1 element/cycle. q_valid/q_idx/q_data
// stream the codes in order; done rises after the last one (held until the
// next start); amax holds the scanned magnitude.
`default_nettype none

module ternary_act_quant #(
    parameter integer XW    = 16,              // activation width (signed)
    parameter integer DEPTH = 1024,            // buffer entries (n max)
    parameter integer AW    = $clog2(DEPTH)
) (
    input  wire              clk,
    input  wire              rst,              // synchronous, active high
    input  wire              x_we,
    input  wire [AW-1:0]     x_addr,
    input  wire [XW-1:0]     x_wdata,
    input  wire [AW:0]       n,                // 1..DEPTH
    input  wire              start,
    output reg               busy,
    output reg               done,
    output reg  [XW-1:0]     amax,             // unsigned magnitude, up to 2^(XW-1)
    output reg               q_valid,
    output reg  [AW-1:0]     q_idx,
    output reg  [7:0]        q_data
);
    localparam integer NW = XW + 8;            // numerator / remainder width

    reg [XW-1:0] mem [0:DEPTH-1];
    always @(posedge clk)
        if (x_we) mem[x_addr] <= x_wdata;

    // read side: address counter, one-cycle buffer latency
    localparam [1:0] IDLE = 2'd0, SCAN = 2'd1, QUANT = 2'd2;
    reg  [1:0]    state;
    reg  [AW:0]   rd;                          // next address to read
    reg           reading;
    reg  [XW-1:0] xr;                          // buffer output
    reg           v1, last1;
    reg  [AW-1:0] idx1;
    wire          rd_last = (rd == n - 1'b1);

    // |x| of the buffer output
    wire          neg = xr[XW-1];
    wire [XW-1:0] mag = neg ? (~xr + 1'b1) : xr;

    // 127*|x| / amax, rounded half to even
    reg  [NW-1:0] rem;
    reg  [6:0]    quo;
    reg  [7:0]    qmag;
    reg  [NW-1:0] trial;
    integer b;
    always @* begin
        rem = ({{(NW-XW){1'b0}}, mag} << 7) - {{(NW-XW){1'b0}}, mag};
        quo = 7'd0;
        for (b = 6; b >= 0; b = b - 1) begin
            trial = {{(NW-XW){1'b0}}, amax} << b;
            if (rem >= trial) begin
                rem = rem - trial;
                quo[b] = 1'b1;
            end
        end
        qmag = {1'b0, quo};
        if ((rem << 1) > {{(NW-XW){1'b0}}, amax} || ((rem << 1) == {{(NW-XW){1'b0}}, amax} && quo[0]))
            qmag = qmag + 8'd1;
        if (amax == {XW{1'b0}}) qmag = 8'd0;
    end

    always @(posedge clk) begin
        xr <= mem[rd[AW-1:0]];
        if (rst) begin
            state <= IDLE;
            busy <= 1'b0;
            done <= 1'b0;
            reading <= 1'b0;
            v1 <= 1'b0;
            q_valid <= 1'b0;
        end else begin
            q_valid <= 1'b0;
            v1 <= reading;
            idx1 <= rd[AW-1:0];
            last1 <= rd_last;
            if (reading) begin
                if (rd_last) reading <= 1'b0;
                else rd <= rd + 1'b1;
            end
            case (state)
                IDLE: if (start) begin
                    state <= SCAN;
                    busy <= 1'b1;
                    done <= 1'b0;
                    amax <= {XW{1'b0}};
                    rd <= {(AW+1){1'b0}};
                    reading <= 1'b1;
                end
                SCAN: if (v1) begin
                    if (mag > amax) amax <= mag;
                    if (last1) begin            // second pass
                        state <= QUANT;
                        rd <= {(AW+1){1'b0}};
                        reading <= 1'b1;
                    end
                end
                QUANT: if (v1) begin
                    q_valid <= 1'b1;
                    q_idx <= idx1;
                    q_data <= neg ? (~qmag + 1'b1) : qmag;
                    if (last1) begin
                        state <= IDLE;
                        busy <= 1'b0;
                        done <= 1'b1;
                    end
                end
                default: state <= IDLE;
            endcase
        end
    end
endmodule

`default_nettype wire
