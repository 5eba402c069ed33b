package io.convnb.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.reflect.TypeToken;
import io.convnb.layers.Layer;
import io.convnb.layers.Layers;
import io.convnb.layers.Parameter;
import io.convnb.shape.Shapes;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The saved-model format: a zip holding {@code config.json} (the model's and each layer's Keras-style
 * configuration, and the compile settings) and {@code weights.bin} (every parameter, in layer order, as
 * its name, shape and raw IEEE-754 values in big-endian order, so reloading is bit-exact).
 */
final class ModelFile {
    private static final int FORMAT = 1;
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    private ModelFile() {
    }

    static void save(Sequential model, Path path) throws IOException {
        if (model.inputShape() == null) {
            throw new IllegalStateException("Sequential '" + model.name() + "' is not built yet; give the first layer an inputShape or fit it before saving.");
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", "convnb-sequential");
        root.put("version", FORMAT);
        root.put("name", model.name());
        root.put("seed", model.seed());
        List<Map<String, Object>> layers = new ArrayList<>();
        for (Layer l : model.layers()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("class_name", l.typeName());
            entry.put("config", l.getConfig());
            entry.put("build_input_shape", l.inputShapeBuilt());
            layers.add(entry);
        }
        root.put("layers", layers);
        root.put("compile", model.compileConfig());
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream fo = Files.newOutputStream(path); ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(fo))) {
            zip.putNextEntry(new ZipEntry("config.json"));
            zip.write(GSON.toJson(root).getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("weights.bin"));
            DataOutputStream out = new DataOutputStream(zip);
            List<Parameter> params = model.parameters();
            out.writeInt(params.size());
            for (Parameter p : params) {
                INDArray v = p.value();
                out.writeUTF(p.name());
                out.writeUTF(v.dataType().name());
                out.writeInt(v.rank());
                for (long d : v.shape()) {
                    out.writeLong(d);
                }
                INDArray flat = v.dup('c').reshape(v.length());
                if (v.dataType() == DataType.DOUBLE) {
                    for (double d : flat.toDoubleVector()) {
                        out.writeLong(Double.doubleToRawLongBits(d));
                    }
                } else {
                    for (float f : flat.castTo(DataType.FLOAT).toFloatVector()) {
                        out.writeInt(Float.floatToRawIntBits(f));
                    }
                }
            }
            out.flush();
            zip.closeEntry();
        }
    }

    static Sequential load(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException("No saved model at " + path.toAbsolutePath() + "; save one with model.save(path).");
        }
        byte[] config = null;
        byte[] weights = null;
        try (InputStream fi = Files.newInputStream(path); ZipInputStream zip = new ZipInputStream(new BufferedInputStream(fi))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                zip.transferTo(buf);
                if (e.getName().equals("config.json")) {
                    config = buf.toByteArray();
                } else if (e.getName().equals("weights.bin")) {
                    weights = buf.toByteArray();
                }
            }
        }
        if (config == null || weights == null) {
            throw new IOException(path + " is not a convnb model file: it lacks " + (config == null ? "config.json" : "weights.bin")
                    + ". Save models with model.save(path).");
        }
        Map<String, Object> root = GSON.fromJson(new String(config, StandardCharsets.UTF_8), new TypeToken<Map<String, Object>>() { }.getType());
        if (!"convnb-sequential".equals(root.get("format"))) {
            throw new IOException(path + " is not a convnb model file (format " + root.get("format") + ").");
        }
        Sequential model = new Sequential((String) root.get("name")).seed(((Number) root.get("seed")).longValue());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> layers = (List<Map<String, Object>>) root.get("layers");
        for (Map<String, Object> entry : layers) {
            @SuppressWarnings("unchecked")
            Map<String, Object> c = (Map<String, Object>) entry.get("config");
            Layer layer = Layers.fromConfig((String) entry.get("class_name"), c);
            if (model.layers().isEmpty() && layer.declaredInputShape() == null && entry.get("build_input_shape") != null) {
                layer.inputShape(toLongs(entry.get("build_input_shape")));
            }
            model.add(layer);
        }
        readWeights(model, weights, path);
        @SuppressWarnings("unchecked")
        Map<String, Object> compile = (Map<String, Object>) root.get("compile");
        if (compile != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> opt = (Map<String, Object>) compile.get("optimizer");
            @SuppressWarnings("unchecked")
            List<String> metrics = (List<String>) compile.get("metrics");
            model.compile(Optimizer.fromConfig(opt), Loss.of((String) compile.get("loss")), metrics.toArray(new String[0]));
        }
        return model;
    }

    private static void readWeights(Sequential model, byte[] bytes, Path path) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
        List<Parameter> params = model.parameters();
        int count = in.readInt();
        if (count != params.size()) {
            throw new IOException(path + ": the file holds " + count + " weight arrays but its configuration builds " + params.size() + "; the file is corrupt.");
        }
        for (Parameter p : params) {
            String name = in.readUTF();
            DataType type = DataType.valueOf(in.readUTF());
            long[] shape = new long[in.readInt()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = in.readLong();
            }
            if (!name.equals(p.name()) || !Arrays.equals(shape, p.value().shape())) {
                throw new IOException(path + ": weight '" + name + "' " + Shapes.format(shape) + " does not match parameter '" + p.name()
                        + "' " + Shapes.format(p.value().shape()) + "; the file is corrupt.");
            }
            int n = Math.toIntExact(p.value().length());
            INDArray value;
            if (type == DataType.DOUBLE) {
                double[] d = new double[n];
                for (int i = 0; i < n; i++) {
                    d[i] = Double.longBitsToDouble(in.readLong());
                }
                value = Nd4j.create(d, shape, DataType.DOUBLE);
            } else {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = Float.intBitsToFloat(in.readInt());
                }
                value = Nd4j.create(f, shape, 'c');
            }
            p.value().assign(value.castTo(p.value().dataType()));
        }
    }

    private static long[] toLongs(Object o) {
        List<?> list = (List<?>) o;
        long[] s = new long[list.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = ((Number) list.get(i)).longValue();
        }
        return s;
    }
}
