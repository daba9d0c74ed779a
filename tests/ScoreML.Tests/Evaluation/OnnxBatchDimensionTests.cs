using System.Text;
using Microsoft.ML.OnnxRuntime;

namespace ScoreML.Tests.Evaluation;

/// <summary>
/// <see cref="OnnxBatchDimension"/>: a fixed batch is freed only when every operator works image by image, and the freed
/// graph runs batches of any size with the same results. The small graphs are written here in the protobuf wire format
/// (no ONNX library in .NET), independently of the rewriter's own reader.
/// </summary>
[TestClass]
public sealed class OnnxBatchDimensionTests
{
    [TestMethod]
    public void MlNetsResNet18AndItsPreprocessingAreFreed()
    {
        string folder = ResNet18Features.ModelFolder();
        foreach (var (file, input) in new[] { ("ResNet18Onnx/ResNet18.onnx", "Input247"), ("ResNetPrepOnnx/ResNetPreprocess.onnx", "OriginalInput") })
        {
            string path = Path.Combine(folder, file);
            using (var fixedSession = new InferenceSession(path))
                Assert.AreEqual(1, fixedSession.InputMetadata[input].Dimensions[0], $"{file} as shipped fixes its batch at 1");
            var freed = OnnxBatchDimension.Free(File.ReadAllBytes(path), out bool wasFixed);
            Assert.IsNotNull(freed, file);
            Assert.IsTrue(wasFixed, file);
            using var session = new InferenceSession(freed);
            Assert.AreEqual(-1, session.InputMetadata[input].Dimensions[0], file);
            CollectionAssert.AreEqual(new[] { 3, 224, 224 }, session.InputMetadata[input].Dimensions[1..], file);
            Assert.AreEqual(-1, session.OutputMetadata.Values.Single().Dimensions[0], file);
        }
    }

    [TestMethod]
    public void AFreedGraphRunsAnyBatchWithTheSameResults()
    {
        var freed = OnnxBatchDimension.Free(Model(Node("Relu", "x", "y")), out _);
        Assert.IsNotNull(freed);
        using var session = new InferenceSession(freed);
        var input = new[] { -1f, 2, -3, 4, 5, -6, 7, -8, 9 };   // three rows of three
        using var feed = OrtValue.CreateTensorValueFromMemory(input, new long[] { 3, 3 });
        using var output = session.Run(new RunOptions(), new[] { "x" }, new[] { feed }, new[] { "y" });
        CollectionAssert.AreEqual(input.Select(v => Math.Max(v, 0)).ToArray(), output[0].GetTensorDataAsSpan<float>().ToArray());
    }

    [TestMethod]
    public void GraphsThatMayDependOnTheBatchAreLeftAlone()
    {
        Assert.IsNull(OnnxBatchDimension.Free(Model(Node("Flatten", "x", "y")), out _), "an operator outside the list");
        Assert.IsNull(OnnxBatchDimension.Free(Model(Node("Concat", "x", "y", Axis(0))), out _), "a join along the batch");
        Assert.IsNull(OnnxBatchDimension.Free(Model(Node("Split", "x", "y")), out _), "Split without an axis splits the batch");
        Assert.IsNull(OnnxBatchDimension.Free(Model(Node("Concat", "x", "y", Axis(-2))), out _), "a negative axis may name the batch");
        Assert.IsNotNull(OnnxBatchDimension.Free(Model(Node("Concat", "x", "y", Axis(1))), out _), "a join of channels");
        Assert.IsNull(OnnxBatchDimension.Free(new byte[] { 0x0A, 0x7F, 0x01 }, out _), "bytes that are not a model");
        Assert.IsNull(OnnxBatchDimension.Free(Model(Node("Relu", "x", "y"), new long[] { -1, 3 }), out bool wasFixed), "a batch already free");
        Assert.IsFalse(wasFixed);
        Assert.IsNull(OnnxBatchDimension.Free(Model(Node("Relu", "x", "y"), new long[] { 2, 3 }, new long[] { 2, 3 }), out wasFixed), "a batch fixed at 2");
        Assert.IsTrue(wasFixed);
    }

    [TestMethod]
    public void AnExtractorOfAFixedBatchNetworkItCannotFreePadsTheLastCall()
    {
        // [2, 1, 2, 2] -> Flatten -> [2, 4]: batch fixed at 2 and not freed (neither Flatten nor a batch of 2 is), so 3 rows
        // run as 2 + (1 + a padding row).
        string path = Path.Combine(Path.GetTempPath(), $"scoreml-fixed-batch-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, Model(Node("Flatten", "x", "y"), new long[] { 2, 1, 2, 2 }, new long[] { 2, 4 }));
        try
        {
            using var extractor = new OnnxFeatureExtractor(new OnnxFeatureExtractorOptions
            {
                ModelPath = path, InputName = "x", FeatureOutputName = "y", Channels = 1, Height = 2, Width = 2, BatchSize = 50,
            });
            var rows = Enumerable.Range(1, 12).Select(i => (float)i).ToArray();
            var result = extractor.Extract(new FeatureMatrix(rows, 4, "rows")).Features;
            Assert.AreEqual(3, result.Rows);
            CollectionAssert.AreEqual(rows, result.Values);
        }
        finally { File.Delete(path); }
    }

    // --- a minimal ONNX writer: ModelProto { ir_version 7, opset 13, graph { node, input x, output y } } ---

    static byte[] Model(byte[] node, long[]? inputShape = null, long[]? outputShape = null) => Message(
        Varint(1, 7),
        Bytes(8, Message(Text(1, ""), Varint(2, 13))),
        Bytes(7, Message(Bytes(1, node), Text(2, "g"),
            Bytes(11, ValueInfo("x", inputShape ?? new long[] { 1, 3 })),
            Bytes(12, ValueInfo("y", outputShape ?? new long[] { 1, 3 })))));

    static byte[] Node(string op, string input, string output, params byte[][] attributes) =>
        Message(new[] { Text(1, input), Text(2, output), Text(4, op) }.Concat(attributes.Select(a => Bytes(5, a))).ToArray());

    /// <summary>AttributeProto { name "axis", i, type INT (2) }; a negative int64 is ten varint bytes.</summary>
    static byte[] Axis(long axis) => Message(Text(1, "axis"), Varint(3, (ulong)axis), Varint(20, 2));

    /// <summary>ValueInfoProto of a float tensor; a negative size is the symbolic dimension "n".</summary>
    static byte[] ValueInfo(string name, long[] shape) => Message(Text(1, name),
        Bytes(2, Message(Bytes(1, Message(Varint(1, 1), Bytes(2, Message(shape.Select(d => Bytes(1, d < 0 ? Text(2, "n") : Message(Varint(1, (ulong)d)))).ToArray())))))));

    static byte[] Message(params byte[][] fields) => fields.SelectMany(f => f).ToArray();
    static byte[] Text(int number, string text) => Bytes(number, Encoding.UTF8.GetBytes(text));
    static byte[] Bytes(int number, byte[] payload) => Encode((ulong)number << 3 | 2).Concat(Encode((ulong)payload.Length)).Concat(payload).ToArray();
    static byte[] Varint(int number, ulong value) => Encode((ulong)number << 3).Concat(Encode(value)).ToArray();

    static byte[] Encode(ulong value)
    {
        var bytes = new List<byte>();
        for (; value >= 0x80; value >>= 7) bytes.Add((byte)(value | 0x80));
        bytes.Add((byte)value);
        return bytes.ToArray();
    }
}
