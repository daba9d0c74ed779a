using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// A network's parameters and buffers as a stream: a header, then each state entry's name, element type, shape and raw
/// bytes, in state-dict order. Reading checks every name, type and shape against the network it fills, so weights of another
/// architecture are refused with the entry at fault named, instead of failing inside libtorch or loading half a network.
/// </summary>
public static class NetworkWeights
{
    const string Magic = "ScoreML.NetworkWeights";
    const int Version = 1;

    /// <summary>Writes <paramref name="network"/>'s parameters and buffers to <paramref name="stream"/> (left open), for
    /// <see cref="Read"/> to load into a network of the same architecture.</summary>
    public static void Write(nn.Module network, Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        var state = network.state_dict();
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(state.Count);
        foreach (var (name, value) in state)
        {
            using var scope = NewDisposeScope();
            var host = value.detach().cpu().contiguous();
            writer.Write(name);
            writer.Write((int)host.dtype);
            writer.Write((int)host.dim());
            foreach (long size in host.shape) writer.Write(size);
            var bytes = host.bytes;
            writer.Write((long)bytes.Length);
            writer.Write(bytes);
        }
    }

    /// <summary>
    /// Overwrites <paramref name="network"/>'s state from <paramref name="stream"/>, tensor by tensor into the existing ones
    /// (the parameter objects stay the same); <paramref name="what"/> names the source in errors.
    /// </summary>
    public static void Read(nn.Module network, Stream stream, string what)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            string magic = reader.ReadString();
            if (magic != Magic) throw new InvalidDataException($"{what} is not a ScoreML weights section.");
            int version = reader.ReadInt32();
            if (version != Version) throw new InvalidDataException($"{what} has weights format version {version}; this ScoreML reads version {Version}.");
            var state = network.state_dict();
            int count = reader.ReadInt32();
            if (count != state.Count)
                throw new InvalidDataException($"{what} holds {count} weight tensors; the {network.GetName()} it should fill has {state.Count}.");
            using var noGrad = no_grad();
            foreach (var (name, target) in state)
            {
                string stored = reader.ReadString();
                if (stored != name) throw new InvalidDataException($"{what}: weight '{stored}' found where the {network.GetName()} expects '{name}'.");
                var dtype = (ScalarType)reader.ReadInt32();
                long[] shape = new long[reader.ReadInt32()];
                for (int i = 0; i < shape.Length; i++) shape[i] = reader.ReadInt64();
                if (dtype != target.dtype || !shape.SequenceEqual(target.shape))
                    throw new InvalidDataException($"{what}: weight '{name}' is {dtype} [{string.Join(", ", shape)}]; the network expects {target.dtype} [{string.Join(", ", target.shape)}].");
                long length = reader.ReadInt64();
                byte[] bytes = reader.ReadBytes(checked((int)length));
                if (bytes.Length != length) throw new EndOfStreamException();
                using var host = empty(shape, dtype);
                host.bytes = bytes;
                target.copy_(host);
            }
        }
        catch (EndOfStreamException e)
        {
            // Still an end-of-stream error, so that a reader of a larger file can report where its data ended.
            throw new EndOfStreamException($"{what} ends before its last weight: the data is truncated.", e);
        }
    }
}
