// Convolutions and recurrent layers print as torch's print(model) does (ConvNd.extra_repr,
// RNNBase.extra_repr): the sizes, then only the arguments that differ from their defaults, under
// myelin's camelCase names and JS values. Each expected line is torch 1.13's, translated.

import { test } from "node:test";
import assert from "node:assert/strict";
import { nn } from "../src/index.js";

test("convolutions print padding, dilation, outputPadding, groups, bias and paddingMode when not the default", () => {
  const cases: [{ toString(): string }, string][] = [
    // Conv2d(3, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))
    [new nn.Conv2d(3, 8, 3, { stride: 2, padding: 1 }), "Conv2d(3, 8, kernelSize=[3, 3], stride=[2, 2], padding=[1, 1])"],
    // Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1))
    [new nn.Conv2d(3, 8, 3), "Conv2d(3, 8, kernelSize=[3, 3], stride=[1, 1])"],
    // Conv1d(3, 8, kernel_size=(5,), stride=(1,), padding=same, dilation=(2,), bias=False, padding_mode=reflect)
    [new nn.Conv1d(3, 8, 5, 1, "same", 2, 1, false, "reflect"), "Conv1d(3, 8, kernelSize=[5], stride=[1], padding='same', dilation=[2], bias=false, paddingMode='reflect')"],
    // Conv2d(4, 8, kernel_size=(3, 5), stride=(1, 1), dilation=(2, 2), groups=2)
    [new nn.Conv2d(4, 8, [3, 5], { groups: 2, dilation: 2 }), "Conv2d(4, 8, kernelSize=[3, 5], stride=[1, 1], dilation=[2, 2], groups=2)"],
    // ConvTranspose2d(8, 4, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))
    [new nn.ConvTranspose2d(8, 4, 4, 2, 1, 1), "ConvTranspose2d(8, 4, kernelSize=[4, 4], stride=[2, 2], padding=[1, 1], outputPadding=[1, 1])"],
    // Conv3d(1, 2, kernel_size=(3, 3, 3), stride=(1, 1, 1), padding=(1, 0, 1))
    [new nn.Conv3d(1, 2, 3, { padding: [1, 0, 1] }), "Conv3d(1, 2, kernelSize=[3, 3, 3], stride=[1, 1, 1], padding=[1, 0, 1])"],
    // ConvTranspose3d(2, 1, kernel_size=(2, 2, 2), stride=(2, 2, 2), bias=False)
    [new nn.ConvTranspose3d(2, 1, 2, { stride: 2, bias: false }), "ConvTranspose3d(2, 1, kernelSize=[2, 2, 2], stride=[2, 2, 2], bias=false)"],
  ];
  for (const [m, want] of cases) assert.equal(m.toString(), want);
});

test("recurrent layers print every non-default argument with its value", () => {
  const cases: [{ toString(): string }, string][] = [
    // LSTM(10, 20, num_layers=2, batch_first=True)
    [new nn.LSTM(10, 20, 2, { batchFirst: true }), "LSTM(10, 20, numLayers=2, batchFirst=true)"],
    // GRU(10, 20, num_layers=2, bias=False, dropout=0.1, bidirectional=True)
    [new nn.GRU(10, 20, { numLayers: 2, bidirectional: true, dropout: 0.1, bias: false }), "GRU(10, 20, numLayers=2, bias=false, dropout=0.1, bidirectional=true)"],
    // LSTM(4, 5, proj_size=3)
    [new nn.LSTM(4, 5, { projSize: 3 }), "LSTM(4, 5, projSize=3)"],
    // torch 1.13 prints RNN(4, 5) and hides the nonlinearity; shown here so the line rebuilds the layer
    [new nn.RNN(4, 5, { nonlinearity: "relu" }), "RNN(4, 5, nonlinearity='relu')"],
    [new nn.RNN(4, 5), "RNN(4, 5)"],
    // LSTMCell(3, 4), GRUCell(3, 4, bias=False), RNNCell(3, 4, nonlinearity=relu)
    [new nn.LSTMCell(3, 4), "LSTMCell(3, 4)"],
    [new nn.GRUCell(3, 4, false), "GRUCell(3, 4, bias=false)"],
    [new nn.RNNCell(3, 4, { nonlinearity: "relu" }), "RNNCell(3, 4, nonlinearity='relu')"],
  ];
  for (const [m, want] of cases) assert.equal(m.toString(), want);
});

test("a printed CNN reads as the calls that build it", () => {
  const model = new nn.Sequential(new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2));
  assert.match(model.toString(), /^Sequential\(\n {2}\(0\): Conv2d\(1, 6, kernelSize=\[5, 5\], stride=\[1, 1\], padding=\[2, 2\]\)\n/);
});
