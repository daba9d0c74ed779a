"""An ONNX image network as a PyTorch module, for image_reference.py's feature-extraction peer (issue 22).

ML.NET's ResNet18.onnx (a CNTK export, opset 8) and its ResNetPreprocess.onnx use a handful of operators: Conv,
BatchNormalization, Relu, Add, MaxPool, AveragePool, and Split, Concat, Sub for the preprocessing. This runs exactly that
graph in PyTorch, node by node, with the file's weights; each BatchNormalization that follows a Conv is folded into it at
load, as ONNX Runtime's graph optimisation does, so both sides run the same convolutions. Needs Debian's python3-onnx.
"""
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper


def _attributes(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _padding(pads):
    """ONNX pads [top, left, bottom, right] as F.pad's (left, right, top, bottom), or None when symmetric."""
    top, left, bottom, right = pads
    return None if (top, left) == (bottom, right) else (left, right, top, bottom)


class OnnxGraph(torch.nn.Module):
    def __init__(self, path):
        super().__init__()
        graph = onnx.load(path).graph
        constants = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in graph.initializer}
        self.input, self.output = graph.input[0].name, graph.output[0].name
        consumers = {}
        for node in graph.node:
            for name in node.input:
                consumers.setdefault(name, []).append(node)
        self.steps, folded, count = [], set(), 0
        for node in graph.node:
            if id(node) in folded:
                continue
            a = _attributes(node)
            if node.op_type == "Conv":
                weight = constants[node.input[1]]
                bias = constants[node.input[2]] if len(node.input) > 2 else torch.zeros(weight.shape[0])
                output = node.output[0]
                after = consumers.get(output, [])
                if len(after) == 1 and after[0].op_type == "BatchNormalization":
                    bn = after[0]
                    scale, shift, mean, var = (constants[n] for n in bn.input[1:5])
                    factor = scale / torch.sqrt(var + _attributes(bn).get("epsilon", 1e-5))
                    weight, bias = weight * factor.view(-1, 1, 1, 1), (bias - mean) * factor + shift
                    folded.add(id(bn))
                    output = bn.output[0]
                pads = a.get("pads", [0, 0, 0, 0])
                self.register_buffer(f"w{count}", weight.contiguous())
                self.register_buffer(f"b{count}", bias.contiguous())
                self.steps.append(("conv", node.input[0], output, (count, a.get("strides", [1, 1]), _padding(pads), pads[:2], a.get("group", 1))))
                count += 1
            elif node.op_type in ("Relu", "Add", "Sub", "Concat", "Split", "MaxPool", "AveragePool"):
                operands = [constants.get(n, n) for n in node.input]
                self.steps.append((node.op_type, operands, list(node.output), a))
            else:
                raise ValueError(f"{path}: operator {node.op_type} is not supported here")

    def forward(self, x):
        values = {self.input: x}
        get = lambda v: v if torch.is_tensor(v) else values[v]
        for op, inputs, outputs, a in self.steps:
            if op == "conv":
                index, strides, asymmetric, symmetric, groups = a
                h = values[inputs]
                if asymmetric is not None:
                    h = F.pad(h, asymmetric)
                values[outputs] = F.conv2d(h, getattr(self, f"w{index}"), getattr(self, f"b{index}"), strides,
                                           0 if asymmetric is not None else symmetric, 1, groups)
            elif op == "Relu":
                values[outputs[0]] = F.relu(get(inputs[0]))
            elif op == "Add":
                values[outputs[0]] = get(inputs[0]) + get(inputs[1])
            elif op == "Sub":
                values[outputs[0]] = get(inputs[0]) - get(inputs[1])
            elif op == "Concat":
                values[outputs[0]] = torch.cat([get(i) for i in inputs], a["axis"])
            elif op == "Split":
                for name, part in zip(outputs, torch.split(get(inputs[0]), a["split"], a["axis"])):
                    values[name] = part
            elif op == "MaxPool":
                h, pads = get(inputs[0]), a.get("pads", [0, 0, 0, 0])
                asymmetric = _padding(pads)
                if asymmetric is not None:
                    h = F.pad(h, asymmetric, value=float("-inf"))
                values[outputs[0]] = F.max_pool2d(h, a["kernel_shape"], a["strides"], 0 if asymmetric is not None else pads[:2])
            elif op == "AveragePool":
                values[outputs[0]] = F.avg_pool2d(get(inputs[0]), a["kernel_shape"], a["strides"], a.get("pads", [0, 0, 0, 0])[:2])
        return values[self.output]
