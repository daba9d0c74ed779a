using ScoreML.Transforms.Persistence;
using Microsoft.ML;
using Microsoft.ML.Data;
using ScoreML.Runtime;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>
/// <c>mlContext.ScoreMatching().Model.Save / Load</c>: ML.NET model zips whose transformers, or some of them, are ScoreML's.
/// Saving is ML.NET's own <c>Model.Save</c> (which a plain call does as well), written to a temporary file and renamed so
/// that an interrupted save never replaces a good zip; a model holding a disposed ScoreML transformer, or a custom sampler or
/// guidance term whose type is not registered with <see cref="ScoreMLRegistry"/>, is refused before anything is created. Loading runs ML.NET's <c>Model.Load</c> and then rebuilds every
/// ScoreML transformer in the result from the package stored in the zip (<see cref="SavedTransformerMarker"/>).
/// </summary>
public static class ModelZip
{
    /// <summary>Saves <paramref name="model"/> (any ITransformer, ScoreML's or a chain holding them) to <paramref name="path"/>.</summary>
    public static void Save(this ScoreMatchingModelOperations operations, ITransformer model, DataViewSchema inputSchema, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        RefuseUnsaveable(model);
        string full = OutputLocations.RequireWritableFile(path, nameof(path));   // names the path before any model bytes are made
        string temp = full + ".tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
            {
                operations.Context.Model.Save(model, inputSchema, stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    // A disposed transformer has no weights left to save, and an unregistered custom sampler or guidance term cannot be
    // loaded again; their own Save refuses too, but only once the file exists.
    static void RefuseUnsaveable(ITransformer model)
    {
        switch (model)
        {
            case ScoreModelTransformer scoreModel:
                scoreModel.ThrowIfCannotSave();
                break;
            case NoiseConditionalClassifierTransformer classifier:
                classifier.ThrowIfDisposed();
                break;
            case ConditionalSamplingTransformer sampler:
                sampler.ThrowIfCannotSave();
                break;
            case IEnumerable<ITransformer> chain:
                foreach (var part in chain) RefuseUnsaveable(part);
                break;
        }
    }

    /// <summary>
    /// Loads a model zip written by ML.NET's or ScoreML's Save, with every ScoreML transformer working again: networks on
    /// <paramref name="device"/> ("cpu", "cuda", "cuda:N"; null follows MLContext.GpuDeviceId). Errors name the file and the
    /// part at fault.
    /// </summary>
    public static ITransformer Load(this ScoreMatchingModelOperations operations, string path, out DataViewSchema inputSchema, string? device = null)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"Model file '{full}' does not exist.", full);
        var on = DeviceSelection.Choose(operations.Context, device);
        ITransformer loaded;
        using (SavedTransformerMarker.BeginLoad())
        {
            try
            {
                using var stream = File.OpenRead(full);
                loaded = operations.Context.Model.Load(stream, out inputSchema);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidDataException($"Model file '{full}' is not a readable ML.NET model zip (truncated or damaged?): {Innermost(e).Message}", e);
            }
        }
        int index = 0;
        return Restore(loaded, full, on, operations.Context, ref index);
    }

    // Replaces each stored ScoreML package, depth first in chain order, by the transformer it describes.
    static ITransformer Restore(ITransformer loaded, string file, Device device, MLContext context, ref int index)
    {
        string what = $"Model file '{file}', ScoreML transformer {index}";
        if (PackageStorage.TryRead(loaded, what) is byte[] bytes)
        {
            index++;
            return (ITransformer)SavedTransformers.Unpack(TransformerPackage.FromBytes(bytes, what), device, what, context);
        }
        if (loaded is not TransformerChain<ITransformer> chain) return loaded;
        var parts = chain.ToArray();
        var restored = new ITransformer[parts.Length];
        bool changed = false;
        for (int i = 0; i < parts.Length; i++)
        {
            restored[i] = Restore(parts[i], file, device, context, ref index);
            changed |= !ReferenceEquals(restored[i], parts[i]);
        }
        return changed ? new TransformerChain<ITransformer>(restored) : loaded;
    }

    static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
