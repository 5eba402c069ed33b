package io.convnb.shape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The exact text of every impossible configuration: the layer, the numbers, the formula and a fix. */
class ErrorMessagesTest {
    private static final String C = "Conv2D 'conv2d_1'";
    private static final String T = "Conv2DTranspose 't'";

    private static void assertMessage(String expected, Executable call) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    @Test
    void outputBelowOne() {
        assertMessage("Conv2D 'conv2d_1': output height = floor((2 + 0 + 0 - 1*(3-1) - 1)/1) + 1 = 0 for input height 2"
                + " and kernel 3; use padding=\"same\" or a kernel no larger than 2.",
                () -> ConvArithmetic.conv2d(C, 2, 5, 3, 3, 1, 1, 1, 1, Padding.VALID));
        assertMessage("Conv2D 'conv2d_1': output width = floor((4 + 0 + 0 - 1*(7-1) - 1)/2) + 1 = -1 for input width 4"
                + " and kernel 7; use padding=\"same\" or a kernel no larger than 4.",
                () -> ConvArithmetic.conv2d(C, 9, 4, 3, 7, 1, 2, 1, 1, Padding.VALID));
        assertMessage("Conv1D 'c': output steps = floor((4 + 0 + 0 - 2*(3-1) - 1)/1) + 1 = 0 for input steps 4 and"
                + " kernel 3 (dilation_rate 2, effective 5); use padding=\"same\", a smaller dilation_rate or a kernel"
                + " no larger than 2 at dilation_rate 2.",
                () -> ConvArithmetic.axis("Conv1D 'c'", "steps", 4, 3, 1, 2, Padding.VALID));
        assertMessage("Conv1D 'c': output steps = floor((2 + 1 + 0 - 1*(5-1) - 1)/1) + 1 = -1 for input steps 2 and"
                + " kernel 5; use padding=\"same\", at least 2 more padding or a kernel no larger than 3.",
                () -> ConvArithmetic.axis("Conv1D 'c'", "steps", 2, 5, 1, 1, 1, 0));
        assertMessage("MaxPooling2D 'p': output height = floor((1 + 0 + 0 - 1*(2-1) - 1)/2) + 1 = 0 for input height 1"
                + " and pool size 2; use padding=\"same\" or a pool size no larger than 1.",
                () -> ConvArithmetic.pool2d("MaxPooling2D 'p'", 1, 4, 2, 2, 2, 2, Padding.VALID));
    }

    @Test
    void sizesBelowOne() {
        assertMessage("Conv2D 'conv2d_1': strides must be at least 1 on the width axis, received 0; use strides=1 to"
                + " visit every position or 2 to halve the size.",
                () -> ConvArithmetic.conv2d(C, 28, 28, 3, 3, 1, 0, 1, 1, Padding.SAME));
        assertMessage("Conv2D 'conv2d_1': kernel size must be at least 1 on the height axis, received 0; use a"
                + " positive kernel size such as 3.",
                () -> ConvArithmetic.conv2d(C, 28, 28, 0, 3, 1, 1, 1, 1, Padding.SAME));
        assertMessage("Conv2D 'conv2d_1': dilation_rate must be at least 1 on the height axis, received -1; use"
                + " dilation_rate=1 for a kernel without holes.",
                () -> ConvArithmetic.conv2d(C, 28, 28, 3, 3, 1, 1, -1, 1, Padding.SAME));
        assertMessage("Conv2D 'conv2d_1': input width must be at least 1, received 0; check the input shape (it"
                + " excludes the batch axis).",
                () -> ConvArithmetic.conv2d(C, 28, 0, 3, 3, 1, 1, 1, 1, Padding.SAME));
        assertMessage("AveragePooling2D 'a': pool size must be at least 1 on the width axis, received 0; use a"
                + " positive pool size such as 2.",
                () -> ConvArithmetic.pool2d("AveragePooling2D 'a'", 8, 8, 2, 0, 2, 2, Padding.VALID));
    }

    @Test
    void negativePadding() {
        assertMessage("Conv2D 'conv2d_1': padding left must not be negative, received -1; use 0 or more (padding adds"
                + " zeros, it cannot crop).",
                () -> ConvArithmetic.conv2d(C, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1, -1, 1));
        assertMessage("Conv1D 'c': padding after the steps axis must not be negative, received -2; use 0 or more"
                + " (padding adds zeros, it cannot crop).",
                () -> ConvArithmetic.axis("Conv1D 'c'", "steps", 10, 3, 1, 1, 0, -2));
    }

    @Test
    void paddingRulesThatDoNotApply() {
        assertMessage("Conv2D 'conv2d_1': padding=\"causal\" is only for 1-D convolutions (Conv1D over (steps,"
                + " channels)); use \"valid\", \"same\", \"full\" or explicit padding for the height and width axes.",
                () -> ConvArithmetic.conv2d(C, 28, 28, 3, 3, 1, 1, 1, 1, Padding.CAUSAL));
        assertMessage("Conv2D 'conv2d_1': padding EXPLICIT needs its amounts; call the overload that takes them"
                + " (padBefore, padAfter or top, bottom, left, right), or use \"valid\", \"same\" or \"full\".",
                () -> ConvArithmetic.conv2d(C, 28, 28, 3, 3, 1, 1, 1, 1, Padding.EXPLICIT));
        assertMessage("MaxPooling2D 'p': padding=\"full\" is not a pooling padding; use \"valid\" or \"same\""
                + " (Keras), or explicit amounts.",
                () -> ConvArithmetic.pool2d("MaxPooling2D 'p'", 8, 8, 2, 2, 2, 2, Padding.FULL));
        assertMessage("Conv2DTranspose 't': padding=\"causal\" has no transposed form; use \"valid\", \"same\" or"
                + " \"full\".",
                () -> ConvArithmetic.transposedAxis(T, "height", 8, 3, 2, 1, Padding.CAUSAL, -1));
    }

    @Test
    void poolingWindowsOfPaddingOnly() {
        assertMessage("MaxPooling2D 'p': the first pooling window on the height axis covers cells -2..-1, which are"
                + " all padding (the input is cells 0..3, padding 2 before and 0 after); use at most pool size - 1 = 1"
                + " padding on each side.",
                () -> ConvArithmetic.pool2d("MaxPooling2D 'p'", 4, 4, 2, 2, 2, 2, 2, 0, 0, 0));
        assertMessage("MaxPooling2D 'p': the last pooling window on the width axis covers cells 4..5, which are all"
                + " padding (the input is cells 0..3, padding 0 before and 3 after); use at most pool size - 1 = 1"
                + " padding on each side.",
                () -> ConvArithmetic.pool2d("MaxPooling2D 'p'", 4, 4, 2, 2, 2, 2, 0, 0, 0, 3));
        // padding of pool size - 1 keeps every window on the image
        assertEquals(3, ConvArithmetic.pool2d("MaxPooling2D 'p'", 4, 4, 2, 2, 2, 2, 1, 1, 1, 1).outputHeight());
    }

    @Test
    void transposed() {
        assertMessage("Conv2DTranspose 't': output_padding 2 on the height axis must be smaller than the stride 2"
                + " (Keras: strides must be greater than output padding); use a value between 0 and 1.",
                () -> ConvArithmetic.transposedAxis(T, "height", 8, 3, 2, 1, Padding.SAME, 2));
        assertMessage("Conv2DTranspose 't': output_padding 1 on the width axis must be smaller than the stride 1"
                + " (Keras: strides must be greater than output padding); use output_padding 0 or none.",
                () -> ConvArithmetic.transposed2d(T, 8, 8, 3, 3, 2, 1, 1, 1, Padding.SAME, 1, 1));
        assertMessage("Conv2DTranspose 't': output_padding must be at least 0 on the height axis (or -1 for none),"
                + " received -3; use a value between 0 and 1, or none.",
                () -> ConvArithmetic.transposedAxis(T, "height", 8, 3, 2, 1, Padding.SAME, -3));
        assertMessage("Conv2DTranspose 't': output height = (1-1)*1 + 1*(3-1) + 1 - 2 - 2 = -1 for input height 1 and"
                + " kernel 3; use padding=\"valid\" or \"same\", or a larger input.",
                () -> ConvArithmetic.transposedAxis(T, "height", 1, 3, 1, 1, Padding.FULL, -1));
        assertMessage("Conv2DTranspose 't': output height = (1-1)*2 + 1*(4-1) + 1 - 2 - 2 = 0 for input height 1 and"
                + " kernel 4; use padding=\"valid\", an odd kernel, output_padding 1 or more, or a larger input.",
                () -> ConvArithmetic.transposedAxis(T, "height", 1, 4, 2, 1, Padding.SAME, 0));
        assertMessage("Conv2DTranspose 't': the crop at the start of the width axis must not be negative, received"
                + " -1; use 0 or more.",
                () -> ConvArithmetic.transposedAxis(T, "width", 4, 3, 2, 1, -1, 0));
        assertMessage("Conv2DTranspose 't': the crop at the end of the width axis is -2, which would append 2 cells,"
                + " but output padding must be smaller than the stride 2; use a crop of at least -1.",
                () -> ConvArithmetic.transposedAxis(T, "width", 4, 3, 2, 1, 0, -2));
        assertMessage("Conv2DTranspose 't': output width = (1-1)*1 + 1*(2-1) + 1 - 1 - 1 = 0 for input width 1 and"
                + " kernel 2; crop at most 1 cells in total.",
                () -> ConvArithmetic.transposedAxis(T, "width", 1, 2, 1, 1, 1, 1));
    }

    @Test
    void groupsWithKerasWording() {
        assertMessage("Conv2D 'conv2d_1': The number of filters must be evenly divisible by the number of groups."
                + " Received: groups=3, filters=32. Use groups that divide 32 filters: 1, 2, 4, 8, 16 or 32.",
                () -> ConvArithmetic.checkGroups(C, -1, 32, 3));
        assertMessage("Conv2D 'conv2d_1': The number of filters must be evenly divisible by the number of groups."
                + " Received: groups=3, filters=32. Use groups that divide both 32 filters and 16 input channels:"
                + " 1, 2, 4, 8 or 16.",
                () -> ConvArithmetic.checkGroups(C, 16, 32, 3));
        assertMessage("Conv2D 'conv2d_1': The number of input channels must be evenly divisible by the number of"
                + " groups. Received groups=8, but the input has 12 channels. Use groups that divide both 32 filters"
                + " and 12 input channels: 1, 2 or 4.",
                () -> ConvArithmetic.checkGroups(C, 12, 32, 8));
        assertMessage("Conv2D 'conv2d_1': groups must be at least 1, received 0; use groups=1 for an ordinary"
                + " convolution or groups equal to the input channels for a depthwise one.",
                () -> ConvArithmetic.checkGroups(C, 3, 32, 0));
        assertMessage("Conv2D 'conv2d_1': Invalid value for argument `filters`. Expected a strictly positive value."
                + " Received filters=0. Use filters=32, for example.",
                () -> ConvArithmetic.checkGroups(C, 3, 0, 1));
        assertMessage("Conv2D 'conv2d_1': The number of filters must be evenly divisible by the number of groups."
                + " Received: groups=51051, filters=720720. Use groups that divide 720720 filters: 1, 2, 3, 4, 5, 6, 7,"
                + " 8, 9, 10, 11, ... or 720720.",
                () -> ConvArithmetic.checkGroups(C, -1, 720720, 17017 * 3));
        // valid configurations pass: ordinary, grouped, depthwise
        ConvArithmetic.checkGroups(C, 3, 32, 1);
        ConvArithmetic.checkGroups(C, 16, 32, 4);
        ConvArithmetic.checkGroups(C, 32, 32, 32);
    }

    @Test
    void rankAndChannels() {
        String form = "(height, width, channels)";
        assertMessage("Conv2D 'conv2d_1': expected an input of rank 3 (height, width, channels) without the batch"
                + " axis, but received shape (28, 28) of rank 2; add a channels axis of size 1, e.g. (28, 28, 1).",
                () -> ConvArithmetic.requireRank(C, new long[] {28, 28}, 3, form));
        assertMessage("Conv2D 'conv2d_1': expected an input of rank 3 (height, width, channels) without the batch"
                + " axis, but received shape (64, 28, 28, 1) of rank 4; if the first axis is the batch, drop it"
                + " (shapes given to layers exclude it): (28, 28, 1).",
                () -> ConvArithmetic.requireRank(C, new long[] {64, 28, 28, 1}, 3, form));
        assertMessage("Conv2D 'conv2d_1': expected an input of rank 3 (height, width, channels) without the batch"
                + " axis, but received shape (784,) of rank 1; reshape the input to (height, width, channels).",
                () -> ConvArithmetic.requireRank(C, new long[] {784}, 3, form));
        ConvArithmetic.requireRank(C, new long[] {28, 28, 1}, 3, form);

        assertMessage("Conv2D 'conv2d_1': expected 3 input channels on the last axis (dataFormat=\"channels_last\"),"
                + " but the input shape (3, 28, 28) has 28; the first axis has 3: if it holds the channels, use"
                + " dataFormat(\"channels_first\").",
                () -> ConvArithmetic.requireChannels(C, new long[] {3, 28, 28}, 3, "channels_last"));
        assertMessage("Conv2D 'conv2d_1': expected 3 input channels on the last axis (dataFormat=\"channels_last\"),"
                + " but the input shape (28, 28, 1) has 1; feed inputs with 3 channels, or build the layer again for 1.",
                () -> ConvArithmetic.requireChannels(C, new long[] {28, 28, 1}, 3, "channels_last"));
        assertMessage("Conv2D 'conv2d_1': expected 1 input channels on the first axis (dataFormat=\"channels_first\"),"
                + " but the input shape (28, 28, 1) has 28; the last axis has 1: if it holds the channels, use"
                + " dataFormat(\"channels_last\").",
                () -> ConvArithmetic.requireChannels(C, new long[] {28, 28, 1}, 1, "Channels_First"));
        assertMessage("Conv2D 'conv2d_1': unknown dataFormat \"nhwc\"; use \"channels_last\" (height, width, channels)"
                + " or \"channels_first\" (channels, height, width).",
                () -> ConvArithmetic.requireChannels(C, new long[] {28, 28, 1}, 1, "nhwc"));
        ConvArithmetic.requireChannels(C, new long[] {28, 28, 3}, 3, "channels_last");
        ConvArithmetic.requireChannels(C, new long[] {3, 28, 28}, 3, "channels_first");
    }

    @Test
    void handBuiltGeometriesMustAgreeWithTheFormula() {
        assertMessage("Axis 'height': output 15 does not match the formula floor((28 + 0 + 1 - 1*(3-1) - 1)/2) + 1"
                + " = 14; build geometries with ConvArithmetic.",
                () -> new AxisGeometry("height", 28, 3, 2, 1, 0, 1, 15));
        assertMessage("Axis 'height': padding must not be negative and output_padding is only for transposed axes,"
                + " received padBefore=-1, padAfter=1, output_padding=-1; build geometries with ConvArithmetic.axis.",
                () -> new AxisGeometry("height", 28, 3, 2, 1, -1, 1, 14));
    }
}
