package io.quantizer.engine.onnx;

import java.util.List;
import java.util.Optional;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;

/** Typed reads and edits of node attributes. */
public final class Attributes {

    private Attributes() {
    }

    public static Optional<AttributeProto> find(NodeProto node, String name) {
        for (AttributeProto attribute : node.getAttributeList()) {
            if (attribute.getName().equals(name)) {
                return Optional.of(attribute);
            }
        }
        return Optional.empty();
    }

    public static long getInt(NodeProto node, String name, long fallback) {
        return find(node, name).map(AttributeProto::getI).orElse(fallback);
    }

    public static float getFloat(NodeProto node, String name, float fallback) {
        return find(node, name).map(AttributeProto::getF).orElse(fallback);
    }

    public static String getString(NodeProto node, String name, String fallback) {
        return find(node, name).map(a -> a.getS().toStringUtf8()).orElse(fallback);
    }

    public static Optional<List<Long>> getInts(NodeProto node, String name) {
        return find(node, name).map(AttributeProto::getIntsList);
    }

    public static Optional<List<Float>> getFloats(NodeProto node, String name) {
        return find(node, name).map(AttributeProto::getFloatsList);
    }

    public static boolean hasSubgraph(NodeProto node) {
        for (AttributeProto attribute : node.getAttributeList()) {
            if (attribute.hasG() || attribute.getGraphsCount() > 0) {
                return true;
            }
        }
        return false;
    }

    /** The node with each of its subgraph attributes replaced by {@code rewrite} of it; the node itself if none. */
    public static NodeProto mapSubgraphs(NodeProto node, java.util.function.UnaryOperator<ai.onnx.proto.OnnxMl.GraphProto> rewrite) {
        if (!hasSubgraph(node)) {
            return node;
        }
        NodeProto.Builder builder = node.toBuilder().clearAttribute();
        for (AttributeProto attribute : node.getAttributeList()) {
            AttributeProto.Builder a = attribute.toBuilder();
            if (attribute.hasG()) {
                a.setG(rewrite.apply(attribute.getG()));
            }
            a.clearGraphs();
            attribute.getGraphsList().forEach(g -> a.addGraphs(rewrite.apply(g)));
            builder.addAttribute(a);
        }
        return builder.build();
    }

    public static NodeProto without(NodeProto node, String... names) {
        NodeProto.Builder builder = node.toBuilder().clearAttribute();
        List<String> drop = List.of(names);
        for (AttributeProto attribute : node.getAttributeList()) {
            if (!drop.contains(attribute.getName())) {
                builder.addAttribute(attribute);
            }
        }
        return builder.build();
    }

    public static AttributeProto ofInt(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    public static AttributeProto ofFloat(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    public static AttributeProto ofString(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(value)).build();
    }

    public static AttributeProto ofInts(String name, List<Long> values) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS)
                .addAllInts(values).build();
    }
}
