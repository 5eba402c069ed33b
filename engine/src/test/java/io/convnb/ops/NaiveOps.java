package io.convnb.ops;

/**
 * Nested-loop references for every op, written straight from the definitions and independent of
 * the main code (no Conv2DSpec size methods, no ConvReference). Tensors are flat C-order double
 * arrays with an explicit shape.
 */
final class NaiveOps {
    private NaiveOps() {
    }

    /** A flat C-order tensor. */
    record T(int[] shape, double[] v) {
        T(int... shape) {
            this(shape, new double[count(shape)]);
        }

        int idx(int... at) {
            int k = 0;
            for (int d = 0; d < shape.length; d++) {
                if (at[d] < 0 || at[d] >= shape[d]) {
                    throw new IndexOutOfBoundsException("axis " + d + " index " + at[d]);
                }
                k = k * shape[d] + at[d];
            }
            return k;
        }

        double get(int... at) {
            return v[idx(at)];
        }

        void add(double value, int... at) {
            v[idx(at)] += value;
        }

        static int count(int[] shape) {
            int p = 1;
            for (int d : shape) {
                p *= d;
            }
            return p;
        }
    }

    /** Geometry of a naive conv or pool call. */
    record Geo(int sh, int sw, int dh, int dw, int pt, int pb, int pl, int pr, int groups) {
    }

    /** Number of window positions that fit in the padded extent, counted one by one. */
    static int positions(int in, int padBefore, int padAfter, int k, int dilation, int stride) {
        int count = 0;
        for (int start = 0; start + dilation * (k - 1) <= in + padBefore + padAfter - 1; start += stride) {
            count++;
        }
        return count;
    }

    static boolean inside(T x, int r, int c) {
        return r >= 0 && r < x.shape()[1] && c >= 0 && c < x.shape()[2];
    }

    /** y[n,a,b,f] = bias[f] + sum_{i,j,ch} x[n, a*sh-pt+i*dh, b*sw-pl+j*dw, grp*cg+ch] * k[i,j,ch,f]. */
    static T conv(T x, T k, double[] bias, Geo s) {
        int n = x.shape()[0], h = x.shape()[1], w = x.shape()[2];
        int kh = k.shape()[0], kw = k.shape()[1], cg = k.shape()[2], f = k.shape()[3];
        int oh = positions(h, s.pt(), s.pb(), kh, s.dh(), s.sh());
        int ow = positions(w, s.pl(), s.pr(), kw, s.dw(), s.sw());
        int fg = f / s.groups();
        T y = new T(n, oh, ow, f);
        for (int b = 0; b < n; b++) {
            for (int a = 0; a < oh; a++) {
                for (int q = 0; q < ow; q++) {
                    for (int o = 0; o < f; o++) {
                        double sum = bias == null ? 0 : bias[o];
                        int grp = o / fg;
                        for (int i = 0; i < kh; i++) {
                            for (int j = 0; j < kw; j++) {
                                int r = a * s.sh() - s.pt() + i * s.dh(), c = q * s.sw() - s.pl() + j * s.dw();
                                if (!inside(x, r, c)) {
                                    continue;
                                }
                                for (int ch = 0; ch < cg; ch++) {
                                    sum += x.get(b, r, c, grp * cg + ch) * k.get(i, j, ch, o);
                                }
                            }
                        }
                        y.v()[y.idx(b, a, q, o)] = sum;
                    }
                }
            }
        }
        return y;
    }

    /** Chain rule through {@link #conv}, term by term: returns {dx, dk, db}. */
    static T[] convBackward(T x, T k, T dy, Geo s) {
        int n = x.shape()[0];
        int kh = k.shape()[0], kw = k.shape()[1], cg = k.shape()[2], f = k.shape()[3];
        int oh = dy.shape()[1], ow = dy.shape()[2];
        int fg = f / s.groups();
        T dx = new T(x.shape().clone()), dk = new T(k.shape().clone()), db = new T(f);
        for (int b = 0; b < n; b++) {
            for (int a = 0; a < oh; a++) {
                for (int q = 0; q < ow; q++) {
                    for (int o = 0; o < f; o++) {
                        double g = dy.get(b, a, q, o);
                        db.add(g, o);
                        int grp = o / fg;
                        for (int i = 0; i < kh; i++) {
                            for (int j = 0; j < kw; j++) {
                                int r = a * s.sh() - s.pt() + i * s.dh(), c = q * s.sw() - s.pl() + j * s.dw();
                                if (!inside(x, r, c)) {
                                    continue;
                                }
                                for (int ch = 0; ch < cg; ch++) {
                                    dx.add(g * k.get(i, j, ch, o), b, r, c, grp * cg + ch);
                                    dk.add(g * x.get(b, r, c, grp * cg + ch), i, j, ch, o);
                                }
                            }
                        }
                    }
                }
            }
        }
        return new T[] {dx, dk, db};
    }

    /**
     * Transposed conv by scattering: every input cell adds x*k to the full result at
     * (a*sh + i*dh, q*sw + j*dw); the output is the outH x outW crop starting at (pt, pl).
     * Kernel (kh, kw, F/groups, C).
     */
    static T transposeConv(T x, T k, double[] bias, Geo s, int outH, int outW) {
        int n = x.shape()[0], h = x.shape()[1], w = x.shape()[2], c = x.shape()[3];
        int kh = k.shape()[0], kw = k.shape()[1], kf = k.shape()[2];
        int f = kf * s.groups(), cPerGroup = c / s.groups();
        int fullH = (h - 1) * s.sh() + s.dh() * (kh - 1) + 1, fullW = (w - 1) * s.sw() + s.dw() * (kw - 1) + 1;
        T full = new T(n, fullH, fullW, f);
        for (int b = 0; b < n; b++) {
            for (int a = 0; a < h; a++) {
                for (int q = 0; q < w; q++) {
                    for (int ch = 0; ch < c; ch++) {
                        int grp = ch / cPerGroup;
                        for (int i = 0; i < kh; i++) {
                            for (int j = 0; j < kw; j++) {
                                for (int fc = 0; fc < kf; fc++) {
                                    full.add(x.get(b, a, q, ch) * k.get(i, j, fc, ch),
                                            b, a * s.sh() + i * s.dh(), q * s.sw() + j * s.dw(), grp * kf + fc);
                                }
                            }
                        }
                    }
                }
            }
        }
        T y = new T(n, outH, outW, f);
        for (int b = 0; b < n; b++) {
            for (int r = 0; r < outH; r++) {
                for (int q = 0; q < outW; q++) {
                    for (int o = 0; o < f; o++) {
                        int fr = r + s.pt(), fq = q + s.pl();
                        double v = fr < fullH && fq < fullW ? full.get(b, fr, fq, o) : 0;
                        y.v()[y.idx(b, r, q, o)] = v + (bias == null ? 0 : bias[o]);
                    }
                }
            }
        }
        return y;
    }

    /** Max pool over valid cells; returns {y, dx} for the given dy (first maximum wins ties). */
    static T[] maxPool(T x, int ph, int pw, Geo s, T dyOrNull) {
        int n = x.shape()[0], h = x.shape()[1], w = x.shape()[2], c = x.shape()[3];
        int oh = positions(h, s.pt(), s.pb(), ph, 1, s.sh()), ow = positions(w, s.pl(), s.pr(), pw, 1, s.sw());
        T y = new T(n, oh, ow, c), dx = new T(n, h, w, c);
        for (int b = 0; b < n; b++) {
            for (int a = 0; a < oh; a++) {
                for (int q = 0; q < ow; q++) {
                    for (int ch = 0; ch < c; ch++) {
                        double best = 0;
                        int br = -1, bc = -1;
                        for (int i = 0; i < ph; i++) {
                            for (int j = 0; j < pw; j++) {
                                int r = a * s.sh() - s.pt() + i, col = q * s.sw() - s.pl() + j;
                                if (inside(x, r, col) && (br < 0 || x.get(b, r, col, ch) > best)) {
                                    best = x.get(b, r, col, ch);
                                    br = r;
                                    bc = col;
                                }
                            }
                        }
                        y.v()[y.idx(b, a, q, ch)] = best;
                        if (dyOrNull != null) {
                            dx.add(dyOrNull.get(b, a, q, ch), b, br, bc, ch);
                        }
                    }
                }
            }
        }
        return new T[] {y, dx};
    }

    /** Average pool over valid cells only; returns {y, dx} for the given dy. */
    static T[] avgPool(T x, int ph, int pw, Geo s, T dyOrNull) {
        int n = x.shape()[0], h = x.shape()[1], w = x.shape()[2], c = x.shape()[3];
        int oh = positions(h, s.pt(), s.pb(), ph, 1, s.sh()), ow = positions(w, s.pl(), s.pr(), pw, 1, s.sw());
        T y = new T(n, oh, ow, c), dx = new T(n, h, w, c);
        for (int b = 0; b < n; b++) {
            for (int a = 0; a < oh; a++) {
                for (int q = 0; q < ow; q++) {
                    for (int ch = 0; ch < c; ch++) {
                        double sum = 0;
                        int valid = 0;
                        for (int i = 0; i < ph; i++) {
                            for (int j = 0; j < pw; j++) {
                                int r = a * s.sh() - s.pt() + i, col = q * s.sw() - s.pl() + j;
                                if (inside(x, r, col)) {
                                    sum += x.get(b, r, col, ch);
                                    valid++;
                                }
                            }
                        }
                        y.v()[y.idx(b, a, q, ch)] = sum / valid;
                        if (dyOrNull != null) {
                            for (int i = 0; i < ph; i++) {
                                for (int j = 0; j < pw; j++) {
                                    int r = a * s.sh() - s.pt() + i, col = q * s.sw() - s.pl() + j;
                                    if (inside(x, r, col)) {
                                        dx.add(dyOrNull.get(b, a, q, ch) / valid, b, r, col, ch);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return new T[] {y, dx};
    }
}
