"""Builds the stand-in cross-encoder of OnnxCrossEncoderTest (no real cross-encoder weights can be fetched here).

Same interface as a BERT cross-encoder exported to ONNX (input_ids, attention_mask, token_type_ids -> logits
[batch, 1]); its "relevance" is the number of 'pottery' word pieces (id 11378 in the MiniLM/BERT vocabulary) in the
attended tokens, so a test knows the order to expect. Run with Debian's python3-onnx: /usr/bin/python3 make_model.py
"""
import onnx
from onnx import TensorProto, helper

POTTERY = 11378
inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "sequence"])
          for n in ("input_ids", "attention_mask", "token_type_ids")]
output = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 1])
nodes = [
    helper.make_node("Constant", [], ["pottery"], value=helper.make_tensor("p", TensorProto.INT64, [], [POTTERY])),
    helper.make_node("Equal", ["input_ids", "pottery"], ["is_pottery"]),
    helper.make_node("Cast", ["is_pottery"], ["hits"], to=TensorProto.FLOAT),
    helper.make_node("Cast", ["attention_mask"], ["mask"], to=TensorProto.FLOAT),
    helper.make_node("Mul", ["hits", "mask"], ["attended"]),
    helper.make_node("Constant", [], ["axis"], value=helper.make_tensor("a", TensorProto.INT64, [1], [1])),
    helper.make_node("ReduceSum", ["attended", "axis"], ["logits"], keepdims=1),
]
graph = helper.make_graph(nodes, "pottery-counter", inputs, [output])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="mnemo-test")
model.ir_version = 7
onnx.checker.check_model(model)
onnx.save(model, "model.onnx")
