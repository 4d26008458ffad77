using System.Runtime.InteropServices;

namespace Recsys.Training.Trainer;

/// <summary>
/// The training state after an epoch: model and optimiser state, the libtorch RNG, the epoch and the early
/// stopping bookkeeping, plus the best weights so far. Written to a temporary file and moved into place, so
/// a run that dies mid-write leaves the previous checkpoint intact.
/// </summary>
internal static class Checkpoint
{
    public const string FileName = "checkpoint.bin";
    private const string Magic = "recsys-checkpoint/1";

    public sealed record State(int Epoch, int BestEpoch, double BestMetric, int EpochsWithoutImprovement);

    public static void Save(string folder, State state, nn.Module model, optim.Optimizer optimizer, byte[] bestWeights)
    {
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, FileName);
        string temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(Magic);
            writer.Write(state.Epoch);
            writer.Write(state.BestEpoch);
            writer.Write(state.BestMetric);
            writer.Write(state.EpochsWithoutImprovement);
            WriteBlock(writer, w => WriteWeights(w, model));
            WriteBlock(writer, w => ((TorchSharp.Modules.OptimizerHelper)optimizer).save_state_dict(w));
            using (Tensor rng = random.get_rng_state())
            {
                WriteBlock(writer, w => rng.Save(w));
            }

            writer.Write(bestWeights.Length);
            writer.Write(bestWeights);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Restores a checkpoint into <paramref name="model"/> and <paramref name="optimizer"/>; null when there is none.</summary>
    public static (State State, byte[] BestWeights)? Load(string folder, nn.Module model, optim.Optimizer optimizer)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream);
            if (reader.ReadString() != Magic)
            {
                throw new InvalidDataException("it is not a recsys checkpoint");
            }

            var state = new State(reader.ReadInt32(), reader.ReadInt32(), reader.ReadDouble(), reader.ReadInt32());
            ReadBlock(reader, r => ReadWeights(r, model));
            ReadBlock(reader, r => ((TorchSharp.Modules.OptimizerHelper)optimizer).load_state_dict(r));
            ReadBlock(reader, r =>
            {
                using Tensor rng = Tensor.Load(r);
                random.set_rng_state(rng);
            });
            byte[] best = reader.ReadBytes(reader.ReadInt32());
            return (state, best);
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException or IOException or ArgumentException or ExternalException or InvalidOperationException)
        {
            throw new InvalidDataException($"The checkpoint '{path}' is corrupt or incomplete ({ex.Message}). Delete it to start over.", ex);
        }
    }

    /// <summary>The model's weights as bytes (for keeping the best epoch in memory).</summary>
    public static byte[] Snapshot(nn.Module model)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            WriteWeights(writer, model);
        }

        return stream.ToArray();
    }

    public static void Restore(nn.Module model, byte[] weights)
    {
        using var reader = new BinaryReader(new MemoryStream(weights));
        ReadWeights(reader, model);
    }

    // Weights are copied into the existing parameters in place: the optimiser keeps referring to the same
    // tensors, and no tensor outlives the call.
    private static void WriteWeights(BinaryWriter writer, nn.Module model)
    {
        Dictionary<string, Tensor> state = model.state_dict();
        writer.Write(state.Count);
        foreach (var (name, tensor) in state.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.Write(name);
            using var scope = NewDisposeScope();
            tensor.detach().cpu().Save(writer);
        }
    }

    private static void ReadWeights(BinaryReader reader, nn.Module model)
    {
        Dictionary<string, Tensor> state = model.state_dict();
        int count = reader.ReadInt32();
        if (count != state.Count)
        {
            throw new InvalidDataException($"it holds {count} weight tensors, the model has {state.Count}");
        }

        using var noGrad = no_grad();
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            using Tensor loaded = Tensor.Load(reader);
            if (!state.TryGetValue(name, out Tensor? target) || !target.shape.SequenceEqual(loaded.shape))
            {
                throw new InvalidDataException($"its weight '{name}' does not fit the model");
            }

            target.copy_(loaded);
        }
    }

    // Length-prefixed, so a block that TorchSharp reads short or long is caught as corruption, not misparsed.
    private static void WriteBlock(BinaryWriter writer, Action<BinaryWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var inner = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            write(inner);
        }

        writer.Write(buffer.Length);
        writer.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void ReadBlock(BinaryReader reader, Action<BinaryReader> read)
    {
        long length = reader.ReadInt64();
        byte[] bytes = reader.ReadBytes(checked((int)length));
        if (bytes.Length != length)
        {
            throw new EndOfStreamException("a block is cut short");
        }

        using var inner = new BinaryReader(new MemoryStream(bytes));
        read(inner);
    }
}
