package io.convnb.explain;

/**
 * Bilinear resampling of a coarse map onto the input grid, given where each coarse cell's centre sits
 * on the input: along an axis, cell {@code i} is centred on input coordinate {@code offset + i*step}.
 *
 * <p>For input pixel {@code y} the fractional cell index is {@code u = (y - offset)/step}, clamped to
 * {@code [0, n-1]} (pixels beyond the outermost centres take the edge value); the value is
 * {@code (1-f)*m[i0] + f*m[i0+1]} with {@code i0 = floor(u)}, {@code f = u - i0}, on both axes.
 * Grad-CAM passes the receptive-field centres of the layer's cells (so a cell's value lands on the
 * middle of the pixels it sees); {@link #halfPixel} gives the centres of a plain image resize
 * ({@code align_corners = false}, as TensorFlow's and PyTorch's bilinear resize).
 */
final class Upsample {
    private Upsample() {
    }

    /** Offset and step of the half-pixel rule: {@code step = in/n}, {@code offset = (step - 1)/2}. */
    static double[] halfPixel(long coarse, long fine) {
        double step = fine / (double) coarse;
        return new double[] {(step - 1) / 2, step};
    }

    static double[][] bilinear(double[][] m, long outH, long outW, double[] rowAxis, double[] colAxis) {
        int h = m.length;
        int w = m[0].length;
        double[][] out = new double[(int) outH][(int) outW];
        int[] c0 = new int[(int) outW];
        int[] c1 = new int[(int) outW];
        double[] cf = new double[(int) outW];
        for (int x = 0; x < outW; x++) {
            double u = clamp((x - colAxis[0]) / colAxis[1], w);
            c0[x] = (int) Math.floor(u);
            c1[x] = Math.min(c0[x] + 1, w - 1);
            cf[x] = u - c0[x];
        }
        for (int y = 0; y < outH; y++) {
            double v = clamp((y - rowAxis[0]) / rowAxis[1], h);
            int r0 = (int) Math.floor(v);
            int r1 = Math.min(r0 + 1, h - 1);
            double rf = v - r0;
            for (int x = 0; x < outW; x++) {
                double top = m[r0][c0[x]] * (1 - cf[x]) + m[r0][c1[x]] * cf[x];
                double bottom = m[r1][c0[x]] * (1 - cf[x]) + m[r1][c1[x]] * cf[x];
                out[y][x] = top * (1 - rf) + bottom * rf;
            }
        }
        return out;
    }

    private static double clamp(double u, int n) {
        return Math.max(0, Math.min(n - 1, u));
    }
}
