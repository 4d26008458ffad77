using Google.Protobuf;
using Recsys.Training.Onnx.Proto;

namespace Recsys.Training.Onnx;

/// <summary>A tensor dimension: a fixed size, or a named symbolic one (e.g. the batch) that stays dynamic.</summary>
internal readonly record struct OnnxDim(long Size, string? Name)
{
    public static OnnxDim Fixed(long size) => new(size, null);

    public static OnnxDim Dynamic(string name) => new(0, name);
}

/// <summary>
/// Builds an ONNX graph (opset 17 by default) node by node and serialises it. The exporter writes every model
/// through this one class, so the wire format lives in one place.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    // IR version 8 is what opset 17 models carry; ONNX Runtime 1.31 reads it.
    private const long IrVersion = 8;

    private readonly GraphProto _graph;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _nodeCount;

    public OnnxGraphBuilder(string graphName)
    {
        _graph = new GraphProto { Name = graphName };
    }

    public void AddInput(string name, OnnxElementType type, params OnnxDim[] shape)
    {
        Claim(name);
        _graph.Input.Add(ValueInfo(name, type, shape));
    }

    public void AddOutput(string name, OnnxElementType type, params OnnxDim[] shape) => _graph.Output.Add(ValueInfo(name, type, shape));

    public void AddInitializer(string name, ReadOnlySpan<float> values, params long[] dims) =>
        AddInitializer(name, TensorProto.Types.DataType.Float, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values), dims);

    /// <summary>A scalar (no dims) or tensor of int64.</summary>
    public void AddInitializer(string name, ReadOnlySpan<long> values, params long[] dims) =>
        AddInitializer(name, TensorProto.Types.DataType.Int64, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values), dims);

    /// <summary>Adds a node and returns its (single) output name.</summary>
    public string AddNode(string opType, IEnumerable<string> inputs, string output, params OnnxAttribute[] attributes)
    {
        // ONNX values are single-assignment: a repeated name would silently rewire the graph.
        Claim(output);
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{_nodeCount++}" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        foreach (OnnxAttribute attribute in attributes)
        {
            node.Attribute.Add(attribute.ToProto());
        }

        _graph.Node.Add(node);
        return output;
    }

    public byte[] ToBytes(int opset = 17, IReadOnlyDictionary<string, string>? metadata = null, string producerVersion = "1")
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "recsys",
            ProducerVersion = producerVersion,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = opset });
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model.ToByteArray();
    }

    private void AddInitializer(string name, TensorProto.Types.DataType type, ReadOnlySpan<byte> littleEndian, long[] dims)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw tensor data is little-endian.");
        }

        Claim(name);
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(littleEndian) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
    }

    private void Claim(string name)
    {
        if (!_names.Add(name))
        {
            throw new InvalidOperationException($"The graph already has a value named '{name}'.");
        }
    }

    private static ValueInfoProto ValueInfo(string name, OnnxElementType type, OnnxDim[] shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (OnnxDim dim in shape)
        {
            tensorShape.Dim.Add(dim.Name is null
                ? new TensorShapeProto.Types.Dimension { DimValue = dim.Size }
                : new TensorShapeProto.Types.Dimension { DimParam = dim.Name });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = tensorShape } },
        };
    }
}

/// <summary>Element types used by the exporter (values are ONNX TensorProto.DataType codes).</summary>
internal enum OnnxElementType
{
    Float = 1,
    Int32 = 6,
    Int64 = 7,
}

/// <summary>A node attribute: an int, ints, a float, or a string.</summary>
internal sealed record OnnxAttribute(string Name, long? Int = null, long[]? Ints = null, float? Float = null, string? Text = null)
{
    internal AttributeProto ToProto()
    {
        var proto = new AttributeProto { Name = Name };
        if (Int is { } i)
        {
            proto.Type = AttributeProto.Types.AttributeType.Int;
            proto.I = i;
        }
        else if (Ints is { } ints)
        {
            proto.Type = AttributeProto.Types.AttributeType.Ints;
            proto.Ints.AddRange(ints);
        }
        else if (Float is { } f)
        {
            proto.Type = AttributeProto.Types.AttributeType.Float;
            proto.F = f;
        }
        else if (Text is { } text)
        {
            proto.Type = AttributeProto.Types.AttributeType.String;
            proto.S = ByteString.CopyFromUtf8(text);
        }
        else
        {
            throw new InvalidOperationException($"Attribute '{Name}' has no value.");
        }

        return proto;
    }
}
