using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScoreML.Trainers.Training;

/// <summary>
/// Writes the state of a training run (step, network weights, EMA weights, Adam state) to one file. The file is
/// written under a temporary name and renamed, so an interrupted write never replaces a good checkpoint.
/// </summary>
internal static class TrainingCheckpoint
{
    const string Magic = "ScoreML.ScoreModelCheckpoint.v1";

    public static void Write(string path, int step, nn.Module network, ExponentialMovingAverage? ema, OptimizerHelper optimizer)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + ".tmp";
        using (var stream = File.Create(temp))
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(Magic);
            writer.Write(step);
            network.save(writer);
            var shadows = ema?.Shadows ?? Array.Empty<Tensor>();
            writer.Write(shadows.Count);
            foreach (var shadow in shadows)
            {
                float[] values = shadow.cpu().to(ScalarType.Float32).data<float>().ToArray();
                writer.Write(values.Length);
                foreach (float v in values) writer.Write(v);
            }
            optimizer.save_state_dict(writer);
        }
        File.Move(temp, full, overwrite: true);
    }
}
