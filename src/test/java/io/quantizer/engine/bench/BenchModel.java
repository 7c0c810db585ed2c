package io.quantizer.engine.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A model the benchmark runs, with its calibration and evaluation data; absent files skip it. */
record BenchModel(String name, Path model, Path calibration, Path evaluation) {

    boolean present() {
        return Files.exists(model) && Files.exists(calibration) && (evaluation == null || Files.exists(evaluation));
    }

    /** fmnist_cnn from the corpus (labelled, full 10,000 test images) and the bench folder's three models. */
    static List<BenchModel> all(Path corpus, Path bench) {
        List<BenchModel> models = new ArrayList<>();
        models.add(new BenchModel("fmnist_cnn", corpus.resolve("models/fmnist_cnn.onnx"),
                corpus.resolve("data/fmnist_calib.npz"), corpus.resolve("data/fmnist_eval.npz")));
        models.add(new BenchModel("resnet50", bench.resolve("resnet50.onnx"), bench.resolve("imagenet_like_calib.npz"),
                null));
        models.add(new BenchModel("mobilenet_v2", bench.resolve("mobilenet_v2.onnx"),
                bench.resolve("imagenet_like_calib.npz"), null));
        models.add(new BenchModel("bert_mini", bench.resolve("bert_mini.onnx"), bench.resolve("bert_like_calib.npz"),
                null));
        return models;
    }
}
