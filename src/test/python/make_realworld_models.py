#!/usr/bin/python3
"""Small models of the families users bring, with realistic structure and activation statistics.

Usage: /usr/bin/python3 src/test/python/make_realworld_models.py OUT_DIR   (torch 1.13 + onnx 1.12)

Writes, per model, OUT_DIR/<name>.onnx, OUT_DIR/<name>_calib.npz and OUT_DIR/<name>_eval.npz (arrays named after
the model inputs, first dimension = samples), calibration/evaluation data for the four corpus models that come
without any (<corpus model name>_calib.npz / _eval.npz), and OUT_DIR/DONE when everything is there. Deterministic (fixed
seeds); under a minute on an idle core. The Java tests run it into target/; nothing it writes is committed.

Why the models are trained at all: with random weights every activation is a flat, near-Gaussian blob and a
6,625-class softmax is nearly uniform, so a calibrator that wrecks a real recognizer (whose few winning logits
tower over thousands of losers) looks fine. Each model is therefore trained briefly on a synthetic task built so
that its outputs become what a trained model's are: peaked per-step class scores for the recognizer, near-binary
probability maps for the detector, confident decisions for the classifiers. The networks keep real exports'
structure (decomposed hardswish ``x*clip(x+3,0,6)/6``, decomposed LayerNorm and GELU at opset 13, BatchNorm folded
into Conv, Resize in an FPN, ConvTranspose, LSTM with an external state, a scalar int64 sample rate).
"""
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# one thread: with two on a busy 2-core box (the build's JVMs running), generation ran 20 to 70 times slower than idle
torch.set_num_threads(1)
OPSET = 13
VOCAB = 6625  # PP-OCR's Chinese dictionary plus blank


def hswish(x):
    # written out so the export has Add/Clip/Mul/Div like paddle2onnx and older torch exports, not HardSwish
    return x * torch.clamp(x + 3, 0, 6) / 6


def hsigmoid(x):
    return torch.clamp(x + 3, 0, 6) / 6


class ConvBN(nn.Module):
    def __init__(self, cin, cout, k, stride=1, groups=1, act=True):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.act = act

    def forward(self, x):
        x = self.bn(self.conv(x))
        return hswish(x) if self.act else x


class DepthwiseSeparable(nn.Module):
    """PPLCNet's block: depthwise 3x3, optional squeeze-excite, pointwise 1x1, hardswish after each conv."""

    def __init__(self, cin, cout, stride, se=False):
        super().__init__()
        self.dw = ConvBN(cin, cin, 3, stride, groups=cin)
        self.se = nn.Sequential(nn.Conv2d(cin, cin // 4, 1), nn.ReLU(), nn.Conv2d(cin // 4, cin, 1)) if se else None
        self.pw = ConvBN(cin, cout, 1)

    def forward(self, x):
        x = self.dw(x)
        if self.se is not None:
            x = x * hsigmoid(self.se(F.adaptive_avg_pool2d(x, 1)))
        return self.pw(x)


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.scale = (dim // heads) ** -0.5

    def forward(self, x):
        n, t, c = x.shape
        qkv = self.qkv(x).reshape(n, t, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        a = torch.softmax(q @ k.transpose(-2, -1) * self.scale, dim=-1)
        return self.proj((a @ v).transpose(1, 2).reshape(n, t, c))


class SvtrBlock(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.mixer = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.fc1 = nn.Linear(dim, 2 * dim)
        self.fc2 = nn.Linear(2 * dim, dim)

    def forward(self, x):
        x = x + self.mixer(self.norm1(x))
        return x + self.fc2(F.gelu(self.fc1(self.norm2(x))))


class Recognizer(nn.Module):
    """PP-OCRv4 rec in miniature: PPLCNet-like backbone (48xW -> 1xW/8), SVTR neck, CTC head with softmax."""

    def __init__(self, dim=64):
        super().__init__()
        self.stem = ConvBN(3, 16, 3, 2)                       # 24 x W/2
        self.blocks = nn.Sequential(
            DepthwiseSeparable(16, 32, 1),
            DepthwiseSeparable(32, 64, 2),                      # 12 x W/4
            DepthwiseSeparable(64, 64, (2, 1)),                 # 6 x W/4
            DepthwiseSeparable(64, 128, (2, 1), se=True),       # 3 x W/4
            DepthwiseSeparable(128, 128, 1, se=True))
        self.neck_in = ConvBN(128, dim, 1)
        self.svtr = nn.Sequential(SvtrBlock(dim, 4), SvtrBlock(dim, 4))
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.neck_out = ConvBN(dim, 96, 1)
        self.head = nn.Linear(96, VOCAB)

    def logits(self, x):
        x = self.blocks(self.stem(x))
        x = F.avg_pool2d(x, (3, 2), (3, 2))                    # 1 x W/8: one column per time step
        x = self.neck_in(x)
        n, c, h, w = x.shape
        x = self.norm(self.svtr(x.flatten(2).transpose(1, 2)))
        x = self.neck_out(x.transpose(1, 2).reshape(n, c, h, w))
        return self.head(x.flatten(2).transpose(1, 2))         # [N, T, VOCAB]

    def forward(self, x):
        return torch.softmax(self.logits(x), dim=2)


class TextLines:
    """Synthetic text lines: dark glyphs on a light, noisy background, one 8-pixel column per glyph or blank."""

    def __init__(self, rng, glyphs=96):
        self.rng = rng
        self.shapes = (rng.random((glyphs, 48, 8)) < 0.35).astype(np.float32)
        self.shapes[:, :8] = 0
        self.shapes[:, 40:] = 0
        self.classes = rng.choice(np.arange(1, VOCAB), glyphs, replace=False)

    def batch(self, n, width):
        t = width // 8
        ids = self.rng.integers(0, len(self.shapes), (n, t))
        blank = self.rng.random((n, t)) < 0.3
        ink = self.shapes[ids] * ~blank[:, :, None, None]       # n, t, 48, 8
        ink = ink.transpose(0, 2, 1, 3).reshape(n, 48, width)
        paper = 0.8 + 0.15 * self.rng.random((n, 1, 1))
        gray = paper - ink * (0.55 + 0.2 * self.rng.random((n, 1, 1))) + 0.05 * self.rng.standard_normal((n, 48, width))
        tint = 1 + 0.1 * self.rng.standard_normal((n, 3, 1, 1))
        img = np.clip(gray[:, None] * tint, 0, 1)
        x = ((img - 0.5) / 0.5).astype(np.float32)
        y = np.where(blank, 0, self.classes[ids])
        return x, y


def train(model, step, steps, lr):
    opt = torch.optim.Adam(model.parameters(), lr)
    model.train()
    for i in range(steps):
        loss = step(i)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    return float(loss)


def spread_channels(norm, nxt, channels, factor):
    """Gives a LayerNorm's output a few outlier channels, as trained transformers have, without changing the
    function: the channels' scale and shift grow by ``factor`` and the next layer's weights for them shrink by it."""
    with torch.no_grad():
        norm.weight[channels] *= factor
        norm.bias[channels] *= factor
        nxt.weight[:, channels] /= factor


def export(model, args, path, inputs, outputs, dynamic):
    torch.onnx.export(model, args, path, opset_version=OPSET, input_names=inputs, output_names=outputs,
                      dynamic_axes=dynamic, do_constant_folding=True)


def save(out, name, calib, evaluation):
    np.savez(os.path.join(out, name + "_calib.npz"), **calib)
    np.savez(os.path.join(out, name + "_eval.npz"), **evaluation)


def recognizer(out, rng):
    lines = TextLines(rng)
    model = Recognizer()

    def step(_):
        x, y = lines.batch(8, 160)
        logits = model.logits(torch.from_numpy(x))
        return F.cross_entropy(logits.reshape(-1, VOCAB), torch.from_numpy(y).reshape(-1))

    loss = train(model, step, 160, 3e-3)
    # Trained CTC heads are far more confident than this brief training gets (a top probability near 1 on clean
    # lines, winning logits well above a crowd of thousands): scaling the head's weights and bias keeps every argmax
    # and widens the margins as longer training on a separable task does.
    with torch.no_grad():
        model.head.weight *= 1.8
        model.head.bias *= 1.8
    for block in model.svtr:
        spread_channels(block.norm1, block.mixer.qkv, [3, 17], 12.0)
        spread_channels(block.norm2, block.fc1, [40], 8.0)
    calib, _ = lines.batch(48, 320)
    evaluation, labels = lines.batch(24, 320)
    with torch.no_grad():
        z = model.logits(torch.from_numpy(evaluation))
        p = torch.softmax(z, dim=2)
    top = p.max(dim=2).values
    q = np.percentile(z.numpy(), [0.1, 1, 50, 99, 99.9, 99.99])
    print("logit percentiles 0.1/1/50/99/99.9/99.99:", np.round(q, 2), "winner median", float(z.max(dim=2).values.median()))
    accuracy = float((p.argmax(dim=2).numpy() == labels).mean())
    export(model, torch.from_numpy(calib[:1]), os.path.join(out, "ocr_rec.onnx"), ["x"], ["softmax"],
           {"x": {0: "batch", 3: "width"}, "softmax": {0: "batch", 1: "steps"}})
    save(out, "ocr_rec", {"x": calib}, {"x": evaluation})
    return "loss %.3f, per-step accuracy %.3f, median top probability %.3f" % (loss, accuracy, float(top.median()))


class Detector(nn.Module):
    """PP-OCRv4 det (DB) in miniature: backbone to 1/32, FPN with nearest Resize, DB head with ConvTranspose."""

    def __init__(self):
        super().__init__()
        self.stem = ConvBN(3, 16, 3, 2)
        self.c2 = DepthwiseSeparable(16, 24, 2)                # 1/4
        self.c3 = DepthwiseSeparable(24, 48, 2)                # 1/8
        self.c4 = DepthwiseSeparable(48, 96, 2, se=True)       # 1/16
        self.c5 = DepthwiseSeparable(96, 128, 2, se=True)      # 1/32
        self.lat = nn.ModuleList(nn.Conv2d(c, 64, 1, bias=False) for c in (24, 48, 96, 128))
        self.smooth = nn.ModuleList(nn.Conv2d(64, 16, 3, padding=1, bias=False) for _ in range(4))
        self.head = nn.Sequential(
            nn.Conv2d(64, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
            nn.ConvTranspose2d(16, 16, 2, 2), nn.BatchNorm2d(16), nn.ReLU(),
            nn.ConvTranspose2d(16, 1, 2, 2))

    def logits(self, x):
        c2 = self.c2(self.stem(x))
        c3 = self.c3(c2)
        c4 = self.c4(c3)
        c5 = self.c5(c4)
        p5 = self.lat[3](c5)
        p4 = self.lat[2](c4) + F.interpolate(p5, scale_factor=2.0, mode="nearest")
        p3 = self.lat[1](c3) + F.interpolate(p4, scale_factor=2.0, mode="nearest")
        p2 = self.lat[0](c2) + F.interpolate(p3, scale_factor=2.0, mode="nearest")
        fused = torch.cat([F.interpolate(s(p), scale_factor=f, mode="nearest") if f > 1 else s(p)
                           for s, p, f in zip(self.smooth, (p2, p3, p4, p5), (1, 2, 4, 8))], dim=1)
        return self.head(fused)

    def forward(self, x):
        return torch.sigmoid(self.logits(x))


def pages(rng, n, h, w):
    """Light pages with dark text-like bars; the target is the bars' shrunk area, as DB's probability map."""
    img = 0.85 + 0.1 * rng.random((n, 1, h, w)) + 0.03 * rng.standard_normal((n, 1, h, w))
    mask = np.zeros((n, 1, h, w), np.float32)
    for i in range(n):
        for _ in range(rng.integers(2, 6)):
            bh, bw = rng.integers(6, 14), rng.integers(20, w // 2)
            y, x = rng.integers(0, h - bh), rng.integers(0, w - bw)
            img[i, 0, y:y + bh, x:x + bw] -= 0.5 * (rng.random((bh, bw)) < 0.6)
            mask[i, 0, y + 2:y + bh - 2, x + 2:x + bw - 2] = 1
    rgb = np.clip(np.repeat(img, 3, axis=1) * (1 + 0.05 * rng.standard_normal((n, 3, 1, 1))), 0, 1)
    mean = np.array([0.485, 0.456, 0.406]).reshape(1, 3, 1, 1)
    std = np.array([0.229, 0.224, 0.225]).reshape(1, 3, 1, 1)
    return ((rgb - mean) / std).astype(np.float32), mask


def detector(out, rng):
    model = Detector()

    def step(_):
        x, m = pages(rng, 4, 96, 96)
        return F.binary_cross_entropy_with_logits(model.logits(torch.from_numpy(x)), torch.from_numpy(m))

    loss = train(model, step, 80, 3e-3)
    calib, _ = pages(rng, 16, 160, 160)
    evaluation, _ = pages(rng, 8, 160, 160)
    export(model, torch.from_numpy(calib[:1]), os.path.join(out, "ocr_det.onnx"), ["x"], ["maps"],
           {"x": {0: "batch", 2: "height", 3: "width"}, "maps": {0: "batch", 2: "height", 3: "width"}})
    save(out, "ocr_det", {"x": calib}, {"x": evaluation})
    return "loss %.3f" % loss


class AngleClassifier(nn.Module):
    """PP-OCR's text-direction classifier in miniature: MobileNetV3-style with SE, 2 classes (0 or 180 degrees)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            ConvBN(3, 8, 3, 2), DepthwiseSeparable(8, 16, 2), DepthwiseSeparable(16, 32, 2, se=True),
            DepthwiseSeparable(32, 64, 2, se=True))
        self.fc = nn.Linear(64, 2)

    def logits(self, x):
        return self.fc(F.adaptive_avg_pool2d(self.features(x), 1).flatten(1))

    def forward(self, x):
        return torch.softmax(self.logits(x), dim=1)


def angle_lines(rng, lines, n):
    x, _ = lines.batch(n, 192)
    # the glyphs' ink sits low in the line (descender-free text): flipping by 180 degrees moves it up
    x[:, :, :16] = np.maximum(x[:, :, :16], 0.6)
    flip = rng.random(n) < 0.5
    x[flip] = x[flip][:, :, ::-1, ::-1]
    return np.ascontiguousarray(x), flip.astype(np.int64)


def angle(out, rng):
    lines = TextLines(rng)
    model = AngleClassifier()

    def step(_):
        x, y = angle_lines(rng, lines, 16)
        return F.cross_entropy(model.logits(torch.from_numpy(x)), torch.from_numpy(y))

    loss = train(model, step, 60, 3e-3)
    calib, _ = angle_lines(rng, lines, 32)
    evaluation, labels = angle_lines(rng, lines, 32)
    export(model, torch.from_numpy(calib[:1]), os.path.join(out, "ocr_cls.onnx"), ["x"], ["probs"],
           {"x": {0: "batch"}, "probs": {0: "batch"}})
    save(out, "ocr_cls", {"x": calib}, {"x": evaluation, "label": labels})
    return "loss %.3f" % loss


class Vad(nn.Module):
    """A Silero-like stateful voice-activity detector: learned STFT-ish conv front end, conv encoder, LSTM whose
    state travels in and out as one [2, batch, 128] tensor, scalar int64 sample rate scaling the frame energy."""

    def __init__(self):
        super().__init__()
        self.stft = nn.Conv1d(1, 64, 64, 32, bias=False)
        self.enc = nn.Sequential(nn.Conv1d(64, 128, 3, 2, 1), nn.ReLU(), nn.Conv1d(128, 128, 3, 2, 1), nn.ReLU())
        self.lstm = nn.LSTM(128, 128, batch_first=True)
        self.dec = nn.Conv1d(128, 1, 1)

    def forward(self, x, state, sr):
        gain = sr.to(torch.float32) / 16000.0
        f = torch.log1p(torch.abs(self.stft((x * gain).unsqueeze(1))))
        e = self.enc(f).mean(dim=2, keepdim=True)
        y, (h, c) = self.lstm(e.transpose(1, 2), (state[0:1], state[1:2]))
        p = torch.sigmoid(self.dec(y.transpose(1, 2))).squeeze(2)
        return p, torch.cat([h, c], dim=0)


def audio(rng, n, length=512):
    speech = rng.random(n) < 0.5
    t = np.arange(length) / 16000.0
    f0 = rng.uniform(100, 300, (n, 1))
    voiced = sum(np.sin(2 * np.pi * k * f0 * t + rng.uniform(0, 6, (n, 1))) / k for k in range(1, 6))
    x = 0.01 * rng.standard_normal((n, length)) + speech[:, None] * 0.3 * voiced
    return x.astype(np.float32), speech.astype(np.float32)


def vad(out, rng):
    model = Vad()
    sr = torch.tensor(16000, dtype=torch.int64)

    def step(_):
        x, y = audio(rng, 32)
        p, _ = model(torch.from_numpy(x), torch.zeros(2, 32, 128), sr)
        return F.binary_cross_entropy(p.squeeze(1), torch.from_numpy(y))

    loss = train(model, step, 60, 3e-3)

    def frames(n):
        # samples are consecutive frames of one stream: each carries the state the previous frame left
        x, _ = audio(rng, n)
        states = np.zeros((n, 2, 1, 128), np.float32)
        s = torch.zeros(2, 1, 128)
        with torch.no_grad():
            for i in range(n):
                states[i] = s.numpy()
                _, s = model(torch.from_numpy(x[i:i + 1]), s, sr)
        return {"input": x, "state": states, "sr": np.full(n, 16000, np.int64)}

    calib, evaluation = frames(48), frames(24)
    export(model, (torch.from_numpy(calib["input"][:1]), torch.zeros(2, 1, 128), sr),
           os.path.join(out, "vad_lstm.onnx"), ["input", "state", "sr"], ["output", "stateN"],
           {"input": {0: "batch", 1: "samples"}, "state": {1: "batch"}, "output": {0: "batch"},
            "stateN": {1: "batch"}})
    save(out, "vad_lstm", calib, evaluation)
    return "loss %.3f" % loss


class WakeWord(nn.Module):
    """A keyword-spotting head on 49 frames of 40 MFCCs: conv over time, two dense layers, softmax over
    (silence, unknown, keyword); exported with a fixed batch of 1 as streaming exporters do."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(40, 64, 5, 2)
        self.fc1 = nn.Linear(64 * 23, 128)
        self.fc2 = nn.Linear(128, 3)

    def logits(self, x):
        h = F.relu(self.conv(x.transpose(1, 2)))
        return self.fc2(F.relu(self.fc1(h.flatten(1))))

    def forward(self, x):
        return torch.softmax(self.logits(x), dim=1)


def mfcc(rng, n, templates):
    y = rng.integers(0, 3, n)
    x = rng.standard_normal((n, 49, 40)) * 4 + templates[y] * 12
    x[:, :, 0] = x[:, :, 0] * 10 - 250  # c0 carries log energy: large and negative, like real MFCCs
    return x.astype(np.float32), y


def wakeword(out, rng):
    model = WakeWord()
    templates = rng.standard_normal((3, 49, 40))

    def step(_):
        x, y = mfcc(rng, 32, templates)
        return F.cross_entropy(model.logits(torch.from_numpy(x)), torch.from_numpy(y))

    loss = train(model, step, 60, 1e-3)
    calib, _ = mfcc(rng, 64, templates)
    evaluation, labels = mfcc(rng, 64, templates)
    export(model, torch.from_numpy(calib[:1]), os.path.join(out, "wakeword.onnx"), ["mfcc"], ["probs"], None)
    save(out, "wakeword", {"mfcc": calib}, {"mfcc": evaluation, "label": labels})
    return "loss %.3f" % loss


def corpus_inputs(out, rng):
    """Inputs for the corpus models that come without data (../shared/corpus), drawn like their real inputs, so
    the measurement table can run them: MFCC frames, accelerometer windows, images in [0, 1] (NHWC), voice frames
    with a VAD state and a scalar sample rate."""
    def speech(n):
        x, _ = audio(rng, n)
        return x

    arrays = {
        "kws_dnn_s_tf2onnx": lambda n: {"Mfcc:0": (10 * rng.standard_normal((n, 25, 10))).astype(np.float32)},
        "har_cnn_tf2onnx": lambda n: {"inputs:0": rng.standard_normal((n, 9, 128)).astype(np.float32)},
        "cifar10_squeezenet_keras_tf2onnx": lambda n: {"input_1": rng.random((n, 32, 32, 3), np.float32)},
        "silero_vad_16k_op15": lambda n: {"input": speech(n), "state": np.zeros((n, 2, 1, 128), np.float32),
                                          "sr": np.full(n, 16000, np.int64)},
    }
    for name, make in arrays.items():
        save(out, name, make(32), make(16))
    return "%d data sets" % len(arrays)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "target/realworld-models"
    os.makedirs(out, exist_ok=True)
    done = os.path.join(out, "DONE")
    if os.path.exists(done):
        os.remove(done)
    for name, make in (("ocr_rec", recognizer), ("ocr_det", detector), ("ocr_cls", angle), ("vad_lstm", vad),
                       ("wakeword", wakeword), ("corpus inputs", corpus_inputs)):
        torch.manual_seed(7)
        t0 = time.time()
        note = make(out, np.random.default_rng(7))
        print("%s: %s (%.1f s)" % (name, note, time.time() - t0), flush=True)
    open(done, "w").close()


if __name__ == "__main__":
    main()
