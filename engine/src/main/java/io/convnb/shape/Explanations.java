package io.convnb.shape;

/** Writes {@link AxisGeometry#explain()}: the rule, its numbers, the split and the formula. */
final class Explanations {
    private Explanations() {
    }

    static String of(AxisGeometry g) {
        return g.transposed() ? transposed(g) : forward(g);
    }

    private static String forward(AxisGeometry g) {
        long in = g.input(), k = g.kernel(), s = g.stride(), d = g.dilation();
        String dk = d + "*(" + k + "-1)";
        StringBuilder b = new StringBuilder(g.axis()).append(": ");
        switch (g.padding()) {
            case VALID -> b.append("padding \"valid\": no padding, windows only where they fit (0 before, 0 after)");
            case SAME -> b.append("padding \"same\" (Keras/TensorFlow): out = ceil(in/s) = ceil(").append(in).append('/')
                    .append(s).append(") = ").append(g.output())
                    .append("\n  total padding = max((out-1)*s + d*(k-1) + 1 - in, 0) = max((").append(g.output())
                    .append("-1)*").append(s).append(" + ").append(dk).append(" + 1 - ").append(in).append(", 0) = ")
                    .append(g.totalPadding())
                    .append("\n  split ").append(g.padBefore()).append(" before, ").append(g.padAfter()).append(" after")
                    .append(g.totalPadding() % 2 == 1 ? " (the odd pixel goes at the end)" : " (even split)");
            case FULL -> b.append("padding \"full\": d*(k-1) = ").append(dk).append(" = ").append(g.padBefore())
                    .append(" on each side, so every input cell meets every kernel element");
            case CAUSAL -> b.append("padding \"causal\": d*(k-1) = ").append(dk).append(" = ").append(g.padBefore())
                    .append(" before, 0 after, so output t sees inputs up to t only");
            case EXPLICIT -> b.append("explicit padding: ").append(g.padBefore()).append(" before, ")
                    .append(g.padAfter()).append(" after");
        }
        appendEffectiveKernel(b, g);
        b.append("\n  out = floor((in + pad_before + pad_after - d*(k-1) - 1)/s) + 1")
                .append("\n      = ").append(g.formula());
        return b.toString();
    }

    private static String transposed(AxisGeometry g) {
        long in = g.input(), s = g.stride(), kEff = g.effectiveKernel(), op = g.outputPadding();
        StringBuilder b = new StringBuilder(g.axis()).append(" (transposed): ");
        if (g.padding() == Padding.EXPLICIT) {
            b.append("explicit crop");
            if (op != AxisGeometry.NO_OUTPUT_PADDING) {
                b.append(", output_padding ").append(op);
            }
        } else if (op == AxisGeometry.NO_OUTPUT_PADDING) {
            b.append("padding \"").append(g.padding().kerasName()).append("\", no output_padding (Keras): ");
            switch (g.padding()) {
                case VALID -> b.append("out = in*s + max(d*(k-1)+1 - s, 0) = ").append(in).append('*').append(s)
                        .append(" + max(").append(kEff).append(" - ").append(s).append(", 0) = ").append(g.output());
                case FULL -> b.append("out = in*s - (s + d*(k-1)+1 - 2) = ").append(in).append('*').append(s)
                        .append(" - (").append(s).append(" + ").append(kEff).append(" - 2) = ").append(g.output());
                default -> b.append("out = in*s = ").append(in).append('*').append(s).append(" = ").append(g.output());
            }
        } else {
            long pad = TransposedArithmetic.kerasPad(g.padding(), kEff);
            b.append("padding \"").append(g.padding().kerasName()).append("\", output_padding ").append(op)
                    .append(" (Keras): out = (in-1)*s + d*(k-1)+1 - 2*pad + output_padding = (").append(in)
                    .append("-1)*").append(s).append(" + ").append(kEff).append(" - 2*").append(pad).append(" + ")
                    .append(op).append(" = ").append(g.output());
        }
        appendEffectiveKernel(b, g);
        b.append("\n  full transposed result = (in-1)*s + d*(k-1) + 1 = (").append(in).append("-1)*").append(s)
                .append(" + ").append(g.dilation()).append("*(").append(g.kernel()).append("-1) + 1 = ")
                .append(g.uncroppedOutput()).append(" cells")
                .append("\n  cropped ").append(g.padBefore()).append(" at the start, ").append(g.padAfter())
                .append(" at the end");
        if (g.padAfter() < 0) {
            b.append(" (a negative crop appends ").append(-g.padAfter())
                    .append(g.padAfter() == -1 ? " cell" : " cells").append(" that only the bias reaches)");
        }
        b.append("\n  out = (in-1)*s + d*(k-1) + 1 - crop_before - crop_after")
                .append("\n      = ").append(g.formula());
        return b.toString();
    }

    private static void appendEffectiveKernel(StringBuilder b, AxisGeometry g) {
        if (g.dilation() > 1) {
            b.append("\n  effective kernel = d*(k-1) + 1 = ").append(g.dilation()).append("*(").append(g.kernel())
                    .append("-1) + 1 = ").append(g.effectiveKernel());
        }
    }
}
