using System.IO.Compression;
using System.Text.Json;
using ScoreML.Transforms;

namespace TwoMoons;

/// <summary>
/// Writes the fitted DLSM pipeline (score model and DLSM+CE classifier) to one zip: the two networks' weights and a manifest
/// with their shapes, the SDE and the classes. Written under a temporary name and renamed. Loading it back, and the ML.NET
/// model-zip format, come with the saved-models work.
/// </summary>
internal static class StudyModelFile
{
    public static void Save(NoiseConditionalClassifierTransformer model, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = path + ".tmp";
        using (var zip = ZipFile.Open(temp, ZipArchiveMode.Create))
        {
            var sde = (ScoreML.Sde.VeSde)model.ScoreModel.Sde;
            var manifest = new
            {
                format = "ScoreML.DlsmPipeline",
                version = 1,
                dimension = model.ScoreModel.Dimension,
                classes = model.Labels.Count,
                sde = new { kind = "VE", sigma_min = sde.SigmaMin, sigma_max = sde.SigmaMax },
                score_network = ((ScoreML.Networks.NoiseConditionalMlp)model.ScoreModel.Network).Options,   // the study trains MLPs
                classifier_network = ((ScoreML.Networks.NoiseConditionalMlp)model.Classifier.Network).Options,
                softmax_epsilon = model.Classifier.SoftmaxEpsilon,
            };
            using (var writer = new StreamWriter(zip.CreateEntry("manifest.json").Open()))
                writer.Write(JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }));
            using (var stream = zip.CreateEntry("score_model.bin").Open())
            using (var binary = new BinaryWriter(stream))
                model.ScoreModel.Network.save(binary);
            using (var stream = zip.CreateEntry("classifier.bin").Open())
            using (var binary = new BinaryWriter(stream))
                model.Classifier.Network.save(binary);
        }
        File.Move(temp, path, overwrite: true);
        Console.WriteLine($"Saved the DLSM pipeline's weights to {path}.");
    }
}
