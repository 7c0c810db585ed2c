#!/usr/bin/python3
"""Two Fashion-MNIST classifiers of the families the accuracy bar names: a MobileNet-style net and a small ViT.

Usage: /usr/bin/python3 src/test/python/make_classifier_models.py OUT_DIR [CORPUS_DIR]   (torch 1.13 + onnx 1.12)

CORPUS_DIR (default ../shared/corpus) must hold data/fmnist_eval.npz (``input`` f32[10000,1,28,28] normalised as
``(x/255 - 0.2860)/0.3530``, ``label`` int64) and data/fmnist_calib.npz (``input``, 512 training images).

The split, kept honest: both nets train on the FIRST 8,000 images of fmnist_eval only; the LAST 2,000 are held
out and never seen in training; calibration uses the 512 images of fmnist_calib (Fashion-MNIST's training set,
disjoint from both). Writes, per model, OUT_DIR/<name>.onnx (input ``input`` f32[batch,1,28,28], output ``logits``
[batch,10], opset 13), OUT_DIR/<name>_calib.npz (``input``: the 512 calibration images) and OUT_DIR/<name>_eval.npz
(``input``, ``label``: the 2,000 held-out images), then OUT_DIR/DONE. The fp32 held-out top-1 of each model is
printed and written to OUT_DIR/<name>.txt. Deterministic (fixed seeds, one thread); about a minute per model on an
idle core. The Java tests run it into target/; nothing it writes is committed.

Models:
- fmnist_mobilenet: a ReLU6 stem conv, five depthwise-separable blocks (depthwise 3x3 + BN + ReLU, pointwise 1x1 +
  BN + ReLU6 or hardswish), global average pool, linear head. BatchNorm is folded into the convs by the export
  (eval mode), so the depthwise convs carry the per-channel weight spread BN folding creates, which is what
  cross-layer equalization addresses.
- fmnist_vit: 7x7 patch embedding (a strided conv), a class token and learned position embedding, three pre-norm
  transformer blocks (LayerNorm, 4-head self-attention, GELU MLP, residual Adds), final LayerNorm, linear head on
  the class token. At opset 13 LayerNorm and GELU export decomposed (ReduceMean/Sub/Pow/Sqrt/Div, Erf), as real
  exports of that opset do.
"""
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# one thread: the build's JVMs share two cores with this script
torch.set_num_threads(1)
OPSET = 13
TRAIN = 8000  # images [0, TRAIN) of fmnist_eval train; [TRAIN, 10000) are held out


class ConvBN(nn.Module):
    def __init__(self, cin, cout, k, stride=1, groups=1, act="relu6"):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.act = act

    def forward(self, x):
        x = self.bn(self.conv(x))
        if self.act == "relu":
            return F.relu(x)
        if self.act == "relu6":
            return F.relu6(x)
        if self.act == "hardswish":
            return F.hardswish(x)
        return x


class DepthwiseSeparable(nn.Module):
    def __init__(self, cin, cout, stride, act):
        super().__init__()
        # ReLU after the depthwise conv (as MobileNetV3's early blocks have): positively homogeneous, so the
        # depthwise/pointwise pair can be equalized exactly
        self.dw = ConvBN(cin, cin, 3, stride, groups=cin, act="relu")
        self.pw = ConvBN(cin, cout, 1, act=act)

    def forward(self, x):
        return self.pw(self.dw(x))


class MobileNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            ConvBN(1, 16, 3, 1),                                   # 28x28
            DepthwiseSeparable(16, 32, 2, "relu6"),                # 14x14
            DepthwiseSeparable(32, 64, 1, "relu6"),
            DepthwiseSeparable(64, 64, 2, "hardswish"),            # 7x7
            DepthwiseSeparable(64, 96, 1, "hardswish"),
            DepthwiseSeparable(96, 128, 1, "hardswish"))
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        return self.head(F.adaptive_avg_pool2d(self.features(x), 1).flatten(1))


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


class Block(nn.Module):
    def __init__(self, dim, heads, hidden):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.fc2(F.gelu(self.fc1(self.norm2(x))))


class ViT(nn.Module):
    def __init__(self, dim=64, depth=3, heads=4, patch=7):
        super().__init__()
        self.embed = nn.Conv2d(1, dim, patch, patch)               # 4x4 = 16 patches
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos = nn.Parameter(0.02 * torch.randn(1, 17, dim))
        self.blocks = nn.Sequential(*[Block(dim, heads, 2 * dim) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, 10)

    def forward(self, x):
        x = self.embed(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
        return self.head(self.norm(self.blocks(x))[:, 0])


def train(model, x, y, epochs, lr, rng):
    opt = torch.optim.AdamW(model.parameters(), lr, weight_decay=1e-4)
    steps = epochs * (len(x) // 64)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, lr, total_steps=steps)
    model.train()
    step = 0
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for i in range(0, len(x) - 63, 64):
            idx = order[i:i + 64]
            xb = torch.from_numpy(x[idx])
            # light augmentation (random horizontal flip) so a few epochs on 8,000 images generalise
            flip = torch.from_numpy(rng.random(len(idx)) < 0.5)
            xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
            loss = F.cross_entropy(model(xb), torch.from_numpy(y[idx]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
    model.eval()
    return float(loss)


def accuracy(model, x, y):
    with torch.no_grad():
        logits = torch.cat([model(torch.from_numpy(x[i:i + 500])) for i in range(0, len(x), 500)])
    return float((logits.argmax(1).numpy() == y).mean())


def make(out, name, model, epochs, lr, data):
    x_train, y_train, calib, x_held, y_held = data
    loss = train(model, x_train, y_train, epochs, lr, np.random.default_rng(7))
    top1 = accuracy(model, x_held, y_held)
    torch.onnx.export(model, torch.from_numpy(calib[:1]), os.path.join(out, name + ".onnx"), opset_version=OPSET,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, do_constant_folding=True)
    np.savez(os.path.join(out, name + "_calib.npz"), input=calib)
    np.savez(os.path.join(out, name + "_eval.npz"), input=x_held, label=y_held)
    with open(os.path.join(out, name + ".txt"), "w") as f:
        f.write("fp32 held-out top-1 %.4f on %d images (trained on fmnist_eval[0:%d])\n" % (top1, len(y_held), TRAIN))
    return "loss %.3f, held-out top-1 %.4f" % (loss, top1)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "target/classifier-models"
    corpus = sys.argv[2] if len(sys.argv) > 2 else "../shared/corpus"
    os.makedirs(out, exist_ok=True)
    done = os.path.join(out, "DONE")
    if os.path.exists(done):
        os.remove(done)
    evaluation = np.load(os.path.join(corpus, "data", "fmnist_eval.npz"))
    x, y = evaluation["input"].astype(np.float32), evaluation["label"].astype(np.int64)
    calib = np.load(os.path.join(corpus, "data", "fmnist_calib.npz"))["input"].astype(np.float32)
    data = (x[:TRAIN], y[:TRAIN], calib, x[TRAIN:], y[TRAIN:])
    for name, build, epochs, lr in (("fmnist_mobilenet", MobileNet, 6, 4e-3), ("fmnist_vit", ViT, 6, 2e-3)):
        torch.manual_seed(7)
        t0 = time.time()
        note = make(out, name, build(), epochs, lr, data)
        print("%s: %s (%.1f s)" % (name, note, time.time() - t0), flush=True)
    open(done, "w").close()


if __name__ == "__main__":
    main()
