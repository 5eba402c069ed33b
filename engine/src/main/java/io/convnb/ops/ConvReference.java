package io.convnb.ops;

import java.util.ArrayList;
import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Convolution the way a tutorial explains it: slide the kernel over the (padded) image and, at each
 * output cell, multiply the window by the kernel and add up the products.
 *
 * <p>{@code out[oh][ow] = sum_{i,j} image[oh*sh - padTop + i*dh][ow*sw - padLeft + j*dw] * kernel[i][j]},
 * where cells outside the image (the padding) count as zero, and per axis
 * {@code OH = floor((H + padTop + padBottom - dh*(kh-1) - 1)/sh) + 1}.
 *
 * <p>Slow on purpose: this is the readable path. {@link Conv2DOps} computes the same sums fast.
 */
public final class ConvReference {
    private ConvReference() {
    }

    /**
     * One product of the sum that makes an output cell.
     *
     * @param row       image row read (may be outside the image, then {@code padding} is true)
     * @param col       image column read
     * @param channel   input channel read (0 for single-channel images)
     * @param kernelRow kernel row i
     * @param kernelCol kernel column j
     * @param input     image value there (0 in the padding)
     * @param weight    kernel value
     * @param product   input * weight
     * @param padding   whether the cell lies in the zero padding
     */
    public record Term(int row, int col, int channel, int kernelRow, int kernelCol,
                       double input, double weight, double product, boolean padding) {
    }

    /** All products of one output cell and their sum (plus the bias, if any). */
    public record CellTerms(List<Term> terms, double bias, double sum) {
        /** Renders {@code 1*0 + 2*(-1) + ... = -3} for a step-by-step view. */
        public String formula() {
            StringBuilder sb = new StringBuilder();
            for (Term t : terms) {
                sb.append(sb.length() == 0 ? "" : " + ").append(num(t.input())).append('*').append(num(t.weight()));
            }
            if (bias != 0) {
                sb.append(" + ").append(num(bias));
            }
            return sb.append(" = ").append(num(sum)).toString();
        }

        private static String num(double v) {
            String s = v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
            return v < 0 ? "(" + s + ")" : s;
        }
    }

    /** Single-channel convolution of a 2-D image with a 2-D kernel. */
    public static double[][] forward(double[][] image, double[][] kernel, Conv2DSpec s) {
        int h = image.length, w = image[0].length, kh = kernel.length, kw = kernel[0].length;
        int oh = checkedOut(s.outHeight(h, kh), "height"), ow = checkedOut(s.outWidth(w, kw), "width");
        double[][] out = new double[oh][ow];
        for (int r = 0; r < oh; r++) {
            for (int c = 0; c < ow; c++) {
                out[r][c] = terms(image, kernel, s, r, c).sum();
            }
        }
        return out;
    }

    /** The products that make output cell (outRow, outCol) of {@link #forward(double[][], double[][], Conv2DSpec)}. */
    public static CellTerms terms(double[][] image, double[][] kernel, Conv2DSpec s, int outRow, int outCol) {
        int h = image.length, w = image[0].length;
        checkCell(outRow, outCol, checkedOut(s.outHeight(h, kernel.length), "height"),
                checkedOut(s.outWidth(w, kernel[0].length), "width"));
        List<Term> terms = new ArrayList<>();
        double sum = 0;
        for (int i = 0; i < kernel.length; i++) {
            for (int j = 0; j < kernel[0].length; j++) {
                int r = outRow * s.strideH() - s.padTop() + i * s.dilationH();
                int c = outCol * s.strideW() - s.padLeft() + j * s.dilationW();
                boolean pad = r < 0 || r >= h || c < 0 || c >= w;
                double v = pad ? 0 : image[r][c];
                double p = v * kernel[i][j];
                terms.add(new Term(r, c, 0, i, j, v, kernel[i][j], p, pad));
                sum += p;
            }
        }
        return new CellTerms(List.copyOf(terms), 0, sum);
    }

    /**
     * NHWC convolution with a Keras kernel (kh, kw, C/groups, F), computed cell by cell with
     * {@link #terms(INDArray, INDArray, INDArray, Conv2DSpec, int, int, int, int)}.
     */
    public static INDArray forward(INDArray x, INDArray kernel, INDArray biasOrNull, Conv2DSpec s) {
        int n = (int) x.size(0), f = (int) kernel.size(3);
        int oh = checkedOut(s.outHeight(x.size(1), kernel.size(0)), "height");
        int ow = checkedOut(s.outWidth(x.size(2), kernel.size(1)), "width");
        double[] out = new double[n * oh * ow * f];
        int o = 0;
        for (int b = 0; b < n; b++) {
            for (int r = 0; r < oh; r++) {
                for (int c = 0; c < ow; c++) {
                    for (int k = 0; k < f; k++) {
                        out[o++] = terms(x, kernel, biasOrNull, s, b, r, c, k).sum();
                    }
                }
            }
        }
        return Nd4j.create(out, new long[] {n, oh, ow, f}, 'c').castTo(x.dataType());
    }

    /** The products (over kernel rows, columns and the group's channels) that make y[n, outRow, outCol, filter]. */
    public static CellTerms terms(INDArray x, INDArray kernel, INDArray biasOrNull, Conv2DSpec s,
                                  int n, int outRow, int outCol, int filter) {
        int h = (int) x.size(1), w = (int) x.size(2), c = (int) x.size(3);
        int kh = (int) kernel.size(0), kw = (int) kernel.size(1), cg = (int) kernel.size(2), f = (int) kernel.size(3);
        if (cg * s.groups() != c) {
            throw new IllegalArgumentException("ConvReference: kernel expects " + cg + " channels per group x "
                    + s.groups() + " groups but the input has " + c + "; use a kernel of shape (" + kh + ", " + kw
                    + ", " + c / s.groups() + ", " + f + ").");
        }
        int oh = checkedOut(s.outHeight(h, kh), "height"), ow = checkedOut(s.outWidth(w, kw), "width");
        checkCell(outRow, outCol, oh, ow);
        int group = filter / (f / s.groups());
        List<Term> terms = new ArrayList<>();
        double sum = 0;
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                int r = outRow * s.strideH() - s.padTop() + i * s.dilationH();
                int col = outCol * s.strideW() - s.padLeft() + j * s.dilationW();
                boolean pad = r < 0 || r >= h || col < 0 || col >= w;
                for (int ch = 0; ch < cg; ch++) {
                    int channel = group * cg + ch;
                    double v = pad ? 0 : x.getDouble(n, r, col, channel);
                    double wt = kernel.getDouble(i, j, ch, filter);
                    terms.add(new Term(r, col, channel, i, j, v, wt, v * wt, pad));
                    sum += v * wt;
                }
            }
        }
        double bias = biasOrNull == null ? 0 : biasOrNull.getDouble(filter);
        return new CellTerms(List.copyOf(terms), bias, sum + bias);
    }

    private static void checkCell(int row, int col, int oh, int ow) {
        if (row < 0 || row >= oh || col < 0 || col >= ow) {
            throw new IllegalArgumentException("ConvReference: output cell (" + row + ", " + col + ") is outside the "
                    + oh + "x" + ow + " output; use a row in 0.." + (oh - 1) + " and a column in 0.." + (ow - 1) + ".");
        }
    }

    private static int checkedOut(long size, String axis) {
        if (size < 1) {
            throw new IllegalArgumentException("ConvReference: output " + axis + " would be " + size
                    + "; add padding or use a smaller kernel, dilation or stride.");
        }
        return (int) size;
    }
}
