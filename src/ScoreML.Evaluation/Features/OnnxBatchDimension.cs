using System.Text;

namespace ScoreML;

/// <summary>
/// Frees the batch dimension of an ONNX network exported with it fixed at 1, when nothing in the graph depends on it.
/// ML.NET's ResNet-18 (a CNTK export) fixes its batch at 1, so ONNX Runtime ran it one image per call; every one of its
/// operators works image by image, so the same graph with a symbolic batch computes the same features for many images per
/// call. Rewritten in the protobuf wire format (no ONNX schema library here): the first dimension of the graph's inputs and
/// outputs becomes the named dimension "batch", and the intermediate shape hints (value_info, which repeat the fixed batch)
/// are dropped for ONNX Runtime to infer again. A graph with any operator outside <see cref="BatchAgnostic"/> (a Reshape
/// to [1, -1], a Gemm, ...) or one that joins or splits along the batch axis is left alone: its fixed batch stands.
/// </summary>
static class OnnxBatchDimension
{
    const string BatchName = "batch";

    /// <summary>Operators that compute each image of a batch from that image alone, whatever their attributes (those
    /// with an axis are checked apart); initializers of batch 1 broadcast over any batch in the arithmetic ones.</summary>
    static readonly HashSet<string> BatchAgnostic = new(StringComparer.Ordinal)
    {
        "Conv", "BatchNormalization", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Clip", "Add", "Sub", "Mul", "Div",
        "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Identity", "Dropout", "LRN",
    };

    /// <summary>Operators whose "axis" attribute must be 1 or more (a join or split of channels, not of images).</summary>
    static readonly HashSet<string> AlongAnAxis = new(StringComparer.Ordinal) { "Concat", "Split" };

    // Field numbers of onnx.proto3 (ModelProto, GraphProto, NodeProto, AttributeProto, ValueInfoProto, TypeProto, ...).
    const int ModelGraph = 7;
    const int GraphNode = 1, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12, GraphValueInfo = 13;
    const int NodeOpType = 4, NodeAttribute = 5, AttributeName = 1, AttributeInt = 3, TensorName = 8;
    const int ValueInfoName = 1, ValueInfoType = 2, TypeTensor = 1, TensorTypeShape = 2, ShapeDimension = 1, DimensionValue = 1, DimensionParam = 2;
    const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

    /// <summary>Models larger than this are opened as written (a rewrite holds two copies in memory).</summary>
    const long MostBytes = 1L << 30;

    /// <summary><see cref="Free"/> of a model file; null, too, for a file over <see cref="MostBytes"/>.</summary>
    public static byte[]? FreeFile(string path, out bool fixedBatch)
    {
        fixedBatch = true;   // as far as anyone can tell without reading it
        return new FileInfo(path).Length > MostBytes ? null : Free(File.ReadAllBytes(path), out fixedBatch);
    }

    /// <summary>The model with a symbolic batch, or null when its inputs' batch is not fixed (<paramref name="fixedBatch"/>
    /// false: nothing to free), when its inputs or outputs have a batch other than 1, when the graph may depend on it, or
    /// when the bytes are not read as a model.</summary>
    public static byte[]? Free(byte[] model, out bool fixedBatch)
    {
        fixedBatch = false;
        try
        {
            var modelFields = Read(model);
            if (modelFields.Count(f => f.Number == ModelGraph) != 1) return null;
            var graphFields = Read(modelFields.First(f => f.Number == ModelGraph).Payload);
            var initializers = graphFields.Where(f => f.Number == GraphInitializer)
                .Select(f => Text(Read(f.Payload), TensorName)).ToHashSet(StringComparer.Ordinal);
            bool IsDataInput(Field f) => f.Number == GraphInput && !initializers.Contains(Text(Read(f.Payload), ValueInfoName) ?? "");
            fixedBatch = graphFields.Where(IsDataInput).Select(f => FirstDimension(f.Payload)).DefaultIfEmpty(0).All(d => d > 0);
            if (!fixedBatch) return null;
            // Batch 1 in and out: then no constant can have stretched the batch (an Add of a [5, ...] initializer), and with
            // the operators below each image of a larger batch meets exactly what the single image met.
            if (!graphFields.Where(f => IsDataInput(f) || f.Number == GraphOutput).All(f => FirstDimension(f.Payload) == 1)) return null;
            if (!graphFields.Where(f => f.Number == GraphNode).All(f => WorksImageByImage(f.Payload))) return null;
            var graph = new MemoryStream();
            foreach (var field in graphFields)
            {
                if (field.Number == GraphValueInfo) continue;
                if (field.Number != GraphOutput && !IsDataInput(field)) { graph.Write(field.Whole.Span); continue; }
                var rewritten = WithSymbolicBatch(field.Payload);
                if (rewritten is null) return null;
                WriteLengthDelimited(graph, field.Number, rewritten);
            }
            var result = new MemoryStream();
            foreach (var field in modelFields)
                if (field.Number == ModelGraph) WriteLengthDelimited(result, ModelGraph, graph.ToArray());
                else result.Write(field.Whole.Span);
            return result.ToArray();
        }
        catch (InvalidDataException) { return null; }
    }

    static bool WorksImageByImage(ReadOnlyMemory<byte> node)
    {
        var fields = Read(node);
        string op = Text(fields, NodeOpType) ?? "";
        if (BatchAgnostic.Contains(op)) return true;
        if (!AlongAnAxis.Contains(op)) return false;
        // ONNX's Split takes axis 0 when the attribute is missing; Concat requires it.
        foreach (var attribute in fields.Where(f => f.Number == NodeAttribute).Select(f => Read(f.Payload)))
            if (Text(attribute, AttributeName) == "axis")
                return attribute.FirstOrDefault(f => f.Number == AttributeInt) is { WireType: Varint } axis && (long)axis.Value >= 1;
        return false;
    }

    /// <summary>A ValueInfoProto whose tensor shape's first dimension is "batch"; null when it has no shape to free.</summary>
    static byte[]? WithSymbolicBatch(ReadOnlyMemory<byte> valueInfo)
    {
        var (type, tensor, shapeField) = Shape(valueInfo);
        if (shapeField.Payload.IsEmpty) return null;
        var dimensions = Read(shapeField.Payload);
        if (dimensions.Count == 0 || dimensions[0].Number != ShapeDimension) return null;
        var newShape = new MemoryStream();
        var batch = new MemoryStream();
        WriteLengthDelimited(batch, DimensionParam, Encoding.UTF8.GetBytes(BatchName));
        WriteLengthDelimited(newShape, ShapeDimension, batch.ToArray());
        foreach (var d in dimensions.Skip(1)) newShape.Write(d.Whole.Span);
        byte[] newTensor = Replace(tensor.Payload, TensorTypeShape, newShape.ToArray());
        byte[] newType = Replace(type.Payload, TypeTensor, newTensor);
        return Replace(valueInfo, ValueInfoType, newType);
    }

    /// <summary>The fixed size of a ValueInfoProto's first dimension; 0 when it is symbolic, unknown or missing.</summary>
    static long FirstDimension(ReadOnlyMemory<byte> valueInfo)
    {
        var shape = Shape(valueInfo).Shape;
        var first = shape.Payload.IsEmpty ? default : Read(shape.Payload).FirstOrDefault(f => f.Number == ShapeDimension);
        var size = first.Payload.IsEmpty ? default : Read(first.Payload).FirstOrDefault(f => f.Number == DimensionValue && f.WireType == Varint);
        return (long)size.Value;
    }

    /// <summary>A ValueInfoProto's type, tensor type and shape fields (default where missing).</summary>
    static (Field Type, Field Tensor, Field Shape) Shape(ReadOnlyMemory<byte> valueInfo)
    {
        var type = Read(valueInfo).FirstOrDefault(f => f.Number == ValueInfoType);
        var tensor = type.Payload.IsEmpty ? default : Read(type.Payload).FirstOrDefault(f => f.Number == TypeTensor);
        var shape = tensor.Payload.IsEmpty ? default : Read(tensor.Payload).FirstOrDefault(f => f.Number == TensorTypeShape);
        return (type, tensor, shape);
    }

    /// <summary>The message with its (first) length-delimited field <paramref name="number"/> replaced by <paramref name="payload"/>.</summary>
    static byte[] Replace(ReadOnlyMemory<byte> message, int number, byte[] payload)
    {
        var output = new MemoryStream();
        bool done = false;
        foreach (var field in Read(message))
            if (field.Number == number && !done) { WriteLengthDelimited(output, number, payload); done = true; }
            else output.Write(field.Whole.Span);
        return output.ToArray();
    }

    static string? Text(List<Field> fields, int number) =>
        fields.FirstOrDefault(f => f.Number == number && f.WireType == LengthDelimited) is { WireType: LengthDelimited } f
            ? Encoding.UTF8.GetString(f.Payload.Span) : null;

    /// <summary>One field: its number, wire type, varint value, payload (length-delimited) and its bytes as written.</summary>
    readonly record struct Field(int Number, int WireType, ulong Value, ReadOnlyMemory<byte> Payload, ReadOnlyMemory<byte> Whole);

    static List<Field> Read(ReadOnlyMemory<byte> message)
    {
        var fields = new List<Field>();
        var span = message.Span;
        int position = 0;
        while (position < span.Length)
        {
            int start = position;
            ulong tag = ReadVarint(span, ref position);
            int number = (int)(tag >> 3), wireType = (int)(tag & 7);
            if (number <= 0) throw new InvalidDataException("field number 0");
            ulong value = 0;
            ReadOnlyMemory<byte> payload = default;
            switch (wireType)
            {
                case Varint: value = ReadVarint(span, ref position); break;
                case Fixed64: position += 8; break;
                case Fixed32: position += 4; break;
                case LengthDelimited:
                    ulong length = ReadVarint(span, ref position);
                    if (length > (ulong)(span.Length - position)) throw new InvalidDataException("length past the end");
                    payload = message.Slice(position, (int)length);
                    position += (int)length;
                    break;
                default: throw new InvalidDataException($"wire type {wireType}");
            }
            if (position > span.Length) throw new InvalidDataException("field past the end");
            fields.Add(new Field(number, wireType, value, payload, message[start..position]));
        }
        return fields;
    }

    static ulong ReadVarint(ReadOnlySpan<byte> span, ref int position)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (position >= span.Length) throw new InvalidDataException("varint past the end");
            byte b = span[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException("varint too long");
    }

    static void WriteLengthDelimited(Stream output, int number, byte[] payload)
    {
        WriteVarint(output, (ulong)number << 3 | LengthDelimited);
        WriteVarint(output, (ulong)payload.Length);
        output.Write(payload);
    }

    static void WriteVarint(Stream output, ulong value)
    {
        while (value >= 0x80) { output.WriteByte((byte)(value | 0x80)); value >>= 7; }
        output.WriteByte((byte)value);
    }
}
