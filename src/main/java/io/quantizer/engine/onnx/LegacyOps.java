package io.quantizer.engine.onnx;

import java.util.List;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Rewrites of operators that left the standard (experimental ImageScaler, Affine, Crop; Upsample) or changed
 * meaning (opset-10 Resize, pre-13 Softmax family) into their opset-13 equivalents.
 */
final class LegacyOps {

    private LegacyOps() {
    }

    static void rewrite(NodeProto node, GraphEdit edit) {
        switch (node.getOpType()) {
            case "ImageScaler" -> imageScaler(node, edit);
            case "Affine" -> affine(node, edit);
            case "Crop" -> crop(node, edit);
            default -> throw new IllegalArgumentException("not a legacy operator: " + node.getOpType());
        }
    }

    /** y = scale * x + bias[c], NCHW. */
    private static void imageScaler(NodeProto node, GraphEdit edit) {
        float scale = Attributes.getFloat(node, "scale", 1f);
        List<Float> bias = Attributes.getFloats(node, "bias").orElse(List.of());
        float[] b = new float[bias.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = bias.get(i);
        }
        mulAdd(node, edit, edit.scalar(node.getName() + "_scale", scale),
                edit.floats(node.getName() + "_bias", new long[] {1, b.length, 1, 1}, b));
    }

    /** y = alpha * x + beta. */
    private static void affine(NodeProto node, GraphEdit edit) {
        mulAdd(node, edit, edit.scalar(node.getName() + "_alpha", Attributes.getFloat(node, "alpha", 1f)),
                edit.scalar(node.getName() + "_beta", Attributes.getFloat(node, "beta", 0f)));
    }

    private static void mulAdd(NodeProto node, GraphEdit edit, String factor, String offset) {
        String scaled = edit.fresh(node.getOutput(0) + "_scaled");
        edit.add(NodeProto.newBuilder().setName(edit.fresh(node.getName() + "_mul")).setOpType("Mul")
                .addInput(node.getInput(0)).addInput(factor).addOutput(scaled).build());
        edit.add(NodeProto.newBuilder().setName(edit.fresh(node.getName() + "_add")).setOpType("Add")
                .addInput(scaled).addInput(offset).addOutput(node.getOutput(0)).build());
    }

    /** Crop on NCHW: border = [left, top, right, bottom]; with scale = [h, w] the output is h x w from (top, left). */
    private static void crop(NodeProto node, GraphEdit edit) {
        List<Long> border = Attributes.getInts(node, "border").orElse(List.of(0L, 0L, 0L, 0L));
        if (border.size() != 4) {
            throw new OpsetUpgrader.UpgradeRefused("Crop '" + node.getName() + "' has a border of " + border.size()
                    + " values, expected 4");
        }
        long left = border.get(0);
        long top = border.get(1);
        List<Long> scale = Attributes.getInts(node, "scale").orElse(List.of());
        List<Long> ends;
        if (scale.size() == 2) {
            ends = List.of(top + scale.get(0), left + scale.get(1));
        } else {
            ends = List.of(endFromBorder(border.get(3)), endFromBorder(border.get(2)));
        }
        edit.add(NodeProto.newBuilder().setName(node.getName()).setOpType("Slice").addInput(node.getInput(0))
                .addInput(edit.int64s(node.getName() + "_starts", List.of(top, left)))
                .addInput(edit.int64s(node.getName() + "_ends", ends))
                .addInput(edit.int64s(node.getName() + "_axes", List.of(2L, 3L)))
                .addOutput(node.getOutput(0)).build());
    }

    private static long endFromBorder(long border) {
        return border == 0 ? Long.MAX_VALUE : -border;
    }

    /**
     * Upsample (any version) and Resize-10 take (X, scales) and align corners the "asymmetric" way with floor
     * rounding for nearest; Resize-13 takes (X, roi, scales) and must be told those modes explicitly.
     */
    static void resize(NodeProto node, GraphEdit edit) {
        boolean modern = node.getOpType().equals("Resize") && node.getInputCount() >= 3;
        if (modern) {
            edit.add(node);
            return;
        }
        String mode = Attributes.getString(node, "mode", "nearest");
        String scales;
        if (node.getInputCount() >= 2) {
            scales = node.getInput(1);
        } else {
            List<Float> values = Attributes.getFloats(node, "scales").orElseThrow(
                    () -> new OpsetUpgrader.UpgradeRefused("Upsample '" + node.getName() + "' has no scales"));
            float[] array = new float[values.size()];
            for (int i = 0; i < array.length; i++) {
                array[i] = values.get(i);
            }
            scales = edit.floats(node.getName() + "_scales", new long[] {array.length}, array);
        }
        edit.add(NodeProto.newBuilder().setName(node.getName()).setOpType("Resize").addInput(node.getInput(0))
                .addInput("").addInput(scales).addOutput(node.getOutput(0))
                .addAttribute(Attributes.ofString("mode", mode.equals("bilinear") ? "linear" : mode))
                .addAttribute(Attributes.ofString("coordinate_transformation_mode", "asymmetric"))
                .addAttribute(Attributes.ofString("nearest_mode", "floor")).build());
    }

    /**
     * Before opset 13 the Softmax family flattened the input to 2-D at {@code axis} (default 1); from 13 it works
     * along one axis (default -1). The two agree when the axis is the last one; otherwise flatten, apply, and
     * reshape back.
     */
    static void softmax(NodeProto node, GraphEdit edit) {
        long axis = Attributes.getInt(node, "axis", 1);
        int rank = Math.max(edit.declaredRank(node.getInput(0)), edit.declaredRank(node.getOutput(0)));
        if (axis == -1 || (rank > 0 && (axis == rank - 1 || axis == -1))) {
            edit.add(Attributes.without(node, "axis").toBuilder().addAttribute(Attributes.ofInt("axis", -1)).build());
            return;
        }
        String flat = edit.fresh(node.getOutput(0) + "_flat");
        String applied = edit.fresh(node.getOutput(0) + "_2d");
        String shape = edit.fresh(node.getOutput(0) + "_shape");
        edit.add(NodeProto.newBuilder().setName(edit.fresh(node.getName() + "_flatten")).setOpType("Flatten")
                .addInput(node.getInput(0)).addOutput(flat).addAttribute(Attributes.ofInt("axis", axis)).build());
        edit.add(Attributes.without(node, "axis").toBuilder().clearInput().clearOutput().addInput(flat)
                .addOutput(applied).addAttribute(Attributes.ofInt("axis", -1)).build());
        edit.add(NodeProto.newBuilder().setName(edit.fresh(node.getName() + "_shape")).setOpType("Shape")
                .addInput(node.getInput(0)).addOutput(shape).build());
        edit.add(NodeProto.newBuilder().setName(edit.fresh(node.getName() + "_reshape")).setOpType("Reshape")
                .addInput(applied).addInput(shape).addOutput(node.getOutput(0)).build());
    }
}
