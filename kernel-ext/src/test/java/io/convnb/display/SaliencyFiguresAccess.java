package io.convnb.display;

/** Test access to the colours {@link SaliencyFigures} draws with. */
public final class SaliencyFiguresAccess {
    private SaliencyFiguresAccess() {
    }

    public static int paddingRgb() {
        return SaliencyFigures.PADDING_RGB;
    }

    public static int boxRgb() {
        return SaliencyFigures.BOX_RGB;
    }
}
