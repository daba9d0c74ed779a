using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.ML;
using ScoreML.Tool.Inputs;
using ScoreML.Tool.Output;

namespace ScoreML.Tool.Commands;

/// <summary>
/// <c>scoreml train DATA --out MODEL.zip</c>: fits a score model (an MLP on vectors, a U-Net on images) and saves it as a
/// model zip with its sampler. With <c>--labels</c> it then trains the DLSM noise-conditional classifier against it (DLSM
/// stage 2; an MLP on vectors, a ResNet on images) and saves the class-conditional sampler of classifier guidance instead,
/// which <c>sample</c> and <c>evaluate</c> read like any model zip. With <c>--labels</c> and <c>--guidance classifier-free</c>
/// it trains one class-conditional score model with label dropout instead (no classifier) and saves its sampler of
/// classifier-free guidance at weight <c>--cfg-weight</c>. Ctrl-C stops at the next step, writes a checkpoint and says how to
/// resume.
/// </summary>
internal static class TrainCommand
{
    static readonly Dictionary<string, Objective> Objectives = new()
    {
        ["dsm"] = Objective.Dsm, ["lcss"] = Objective.Lcss, ["ssm"] = Objective.Ssm, ["fdssm"] = Objective.FdSsm, ["exact"] = Objective.Exact,
    };

    static readonly Dictionary<string, SdeKind> Sdes = new()
    {
        ["ve"] = SdeKind.VarianceExploding, ["vp"] = SdeKind.VariancePreserving, ["subvp"] = SdeKind.SubVariancePreserving,
    };

    static readonly Dictionary<string, ClassifierLoss> Losses = new()
    {
        ["dlsm-ce"] = ClassifierLoss.DlsmPlusCrossEntropy, ["dlsm"] = ClassifierLoss.Dlsm, ["ce"] = ClassifierLoss.CrossEntropy,
    };

    /// <summary>The sampler kinds by their command-line names.</summary>
    public static readonly Dictionary<string, SamplerKind> Samplers = new()
    {
        ["pc"] = SamplerKind.PredictorCorrector, ["ald"] = SamplerKind.AnnealedLangevin, ["ode"] = SamplerKind.ProbabilityFlowOde, ["ddim"] = SamplerKind.Ddim,
        ["heun"] = SamplerKind.Heun, ["dpm2m"] = SamplerKind.DpmSolver2M, ["dpm3s"] = SamplerKind.DpmSolver3S, ["adaptive-ode"] = SamplerKind.AdaptiveOde,
    };

    public static Command Create(ToolContext context)
    {
        var data = new Argument<string>("DATA") { Description = "The training data: an image folder, an IDX, NPY or CSV file." };
        var output = new Option<string>("--out") { Description = "The model zip to write.", Required = true, HelpName = "MODEL.zip" };
        var steps = CommonOptions.Int("--steps", "Optimiser steps.", 2000, 1, TrainingOptions.MaxSteps);
        var batch = CommonOptions.Int("--batch-size", "Rows per step.", 128, 1);
        var objective = Choice("--objective", "The score-matching objective.", "dsm", Objectives.Keys);
        var sde = Choice("--sde", "The forward SDE: variance exploding, preserving or sub-preserving.", "ve", Sdes.Keys);
        var learningRate = new Option<double>("--learning-rate") { Description = "Adam's learning rate, in (0, 1].", DefaultValueFactory = _ => 1e-3, HelpName = "RATE" };
        learningRate.Validators.Add(r => { double v = r.GetValueOrDefault<double>(); if (!(v > 0 && v <= 1)) r.AddError($"--learning-rate must be in (0, 1]; it is {v.ToString(CultureInfo.InvariantCulture)}."); });
        var hidden = new Option<string?>("--hidden") { Description = "The MLP's hidden widths, comma-separated (vectors; default 128,64,32).", HelpName = "W,W,..." };
        var seed = CommonOptions.Int("--seed", "Seeds the initialisation, the batches and the noise (the same seed gives the same model on the CPU).", 1, int.MinValue);
        var sampler = Choice("--sampler", "The sampler saved with the model.", "pc", Samplers.Keys);
        var samplerSteps = CommonOptions.Int("--sampler-steps", "The sampler's steps.", 1000, 1, SamplerOptions.MaxSteps);
        var samplerSeed = CommonOptions.Int("--sampler-seed", "The sampler's seed saved with the model.", 0, int.MinValue);
        var samplerBatch = CommonOptions.Int("--sampler-batch-size", "Rows the saved sampler samples at once.", 1000, 1);
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Write a checkpoint to FILE every 1,000 steps, at the end and when cancelled.", HelpName = "FILE" };
        var resume = new Option<string?>("--resume") { Description = "Continue the run saved in checkpoint FILE (same data and options).", HelpName = "FILE" };
        var threads = CommonOptions.OptionalInt("--threads", "libtorch's threads (default: TorchSharp's).", 1, TrainingOptions.MaxThreads);
        var shape = CommonOptions.ShapeOption();
        var resize = CommonOptions.SizeOption("--resize", "Resize the images of an image folder to WxH.");
        var grayscale = CommonOptions.Grayscale();
        var labels = new Option<string?>("--labels")
        {
            Description = "Train the DLSM classifier too and save the class-conditional sampler: 'folders' (an image folder's class sub-folders) " +
                "or a file with one label per row of DATA (a 1-D IDX label file, or one integer per line).",
            HelpName = "folders|FILE",
        };
        var loss = Choice("--classifier", "With --labels: the classifier's loss, DLSM + cross-entropy (the paper's method), DLSM or cross-entropy (the 'base' classifier).",
            "dlsm-ce", Losses.Keys);
        var classifierSteps = CommonOptions.OptionalInt("--classifier-steps", "With --labels: the classifier's optimiser steps (default: --steps).", 1, TrainingOptions.MaxSteps);
        var guidance = new Option<double>("--guidance-scale")
            { Description = "With --labels: alpha, the weight of the classifier's likelihood score (1 the Bayes posterior; above 1 the 'scaling' method).", DefaultValueFactory = _ => 1.0, HelpName = "ALPHA" };
        guidance.Validators.Add(r =>
        {
            double v = r.GetValueOrDefault<double>();
            if (!(v > 0 && v <= ConditionalSamplerOptions.MaxGuidanceScale))
                r.AddError($"--guidance-scale must be in (0, {ConditionalSamplerOptions.MaxGuidanceScale.ToString(CultureInfo.InvariantCulture)}]; it is {v.ToString(CultureInfo.InvariantCulture)}.");
        });
        var kind = Choice("--guidance", "With --labels: 'classifier' trains the DLSM classifier against an unconditional score model; 'classifier-free' " +
            "trains one class-conditional score model with label dropout instead (Ho and Salimans), no classifier.", "classifier", new[] { "classifier", "classifier-free" });
        var dropout = new Option<double?>("--label-dropout")
            { Description = "With --guidance classifier-free: the share of training rows whose label is dropped, in [0, 1) (default 0.1).", HelpName = "P" };
        dropout.Validators.Add(r =>
        {
            double? v = r.GetValueOrDefault<double?>();
            if (v is double p && !(p >= 0 && p < 1)) r.AddError($"--label-dropout must be in [0, 1); it is {p.ToString(CultureInfo.InvariantCulture)}.");
        });
        var cfgWeight = CommonOptions.ClassifierFreeWeight("With --guidance classifier-free: w of the saved sampler, (1 + w) s(x | y) - w s(x), in [0, 100] " +
            "(default 0, the conditional model alone; diffusers' guidance_scale is 1 + w).");
        var json = CommonOptions.Json();
        var command = new Command("train", "Trains a score model on DATA (and with --labels the DLSM classifier) and saves it with its sampler as a model zip.")
        {
            data, output, steps, batch, objective, sde, learningRate, hidden, seed, sampler, samplerSteps, samplerSeed, samplerBatch, checkpoint, resume, threads,
            shape, resize, grayscale, labels, loss, classifierSteps, guidance, kind, dropout, cfgWeight, json,
        };
        command.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            string model = OutputLocations.RequireWritableFile(parse.GetValue(output)!, "--out");
            bool classifierFree = parse.GetValue(kind) == "classifier-free";
            RequireCompatible(parse, parse.GetValue(labels) is not null, classifierFree, new Option[] { kind, dropout, cfgWeight }, new Option[] { loss, classifierSteps, guidance });
            var set = InputReader.Read(parse.GetValue(data)!, "DATA", new InputOptions(parse.GetValue(shape), parse.GetValue(resize), parse.GetValue(grayscale)), null, context.Cancellation);
            if (set.Rows < 2) throw new InvalidDataException($"DATA {set.Describe()} has {set.Rows} row; training needs at least two.");
            // The labels are read and checked before any training.
            var classes = parse.GetValue(labels) is string labelSource ? TrainingLabels.Read(labelSource, set, parse.GetValue(data)!) : null;
            int totalSteps = parse.GetValue(steps);
            var options = new ScoreModelOptions
            {
                Steps = totalSteps,
                BatchSize = parse.GetValue(batch),
                Objective = Objectives[parse.GetValue(objective)!],
                Sde = new SdeOptions { Kind = Sdes[parse.GetValue(sde)!] },
                LearningRate = parse.GetValue(learningRate),
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
                CheckpointPath = parse.GetValue(checkpoint) is string c ? OutputLocations.RequireWritableFile(c, "--checkpoint") : null,
                ResumeFrom = parse.GetValue(resume),
                LabelColumnName = classifierFree ? "Label" : null,
                Sampler = new SamplerOptions
                {
                    Kind = Samplers[parse.GetValue(sampler)!], Steps = parse.GetValue(samplerSteps), Seed = parse.GetValue(samplerSeed), BatchSize = parse.GetValue(samplerBatch),
                },
                CancellationToken = context.Cancellation,
                ProgressInterval = Math.Max(1, totalSteps / 10),
                Progress = new SynchronousProgress<TrainingProgress>(p => context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"step {p.Step}/{p.TotalSteps}  loss {p.Loss:0.0000}  {p.StepsPerSecond:0.0} steps/s"))),
            };
            if (parse.GetValue(dropout) is double p) options.LabelDropout = p;
            if (options.ResumeFrom is string r && !File.Exists(r)) throw new FileNotFoundException($"--resume: checkpoint '{r}' does not exist.", r);
            if (parse.GetValue(hidden) is string widths)
            {
                if (set.Shape is not null) throw new UsageException("--hidden shapes the MLP of vector data; image data train a U-Net.");
                options.Mlp.HiddenSizes = ParseWidths(widths);
            }
            var ml = new MLContext(seed: options.Seed);
            var view = classes is null ? DataViews.ToView(ml, set) : Labelled(ml, set, classes);
            using var fitted = ml.ScoreMatching().Trainers.ScoreModel(options).Fit(view);
            if (classes is null) ml.ScoreMatching().Model.Save(fitted, view.Schema, model);
            else if (classifierFree)
            {
                // The class-conditional model's own sampler: classifier-free guidance at weight w, no classifier.
                using var cfgSampler = fitted.CreateSampler(new ConditionalSamplerOptions { Sampler = options.Sampler, ClassifierFreeGuidanceWeight = parse.GetValue(cfgWeight) ?? 0 });
                ml.ScoreMatching().Model.Save(cfgSampler, view.Schema, model);
            }
            else SaveConditional(ml, fitted, view, options, parse.GetValue(classifierSteps) ?? totalSteps, Losses[parse.GetValue(loss)!],
                parse.GetValue(guidance), model, context);
            double? finalLoss = fitted.Model.Training is { Losses.Length: > 0 } t ? t.FinalLoss() : null;
            if (parse.GetValue(json))
                JsonOutput.Write(context.Out, new JsonObject
                {
                    ["command"] = "train",
                    ["model"] = model,
                    ["data"] = new JsonObject { ["path"] = set.Path, ["kind"] = set.Kind, ["rows"] = set.Rows },
                    ["dimension"] = set.Dimension,
                    ["image_shape"] = set.Shape?.ToString(),
                    ["network"] = set.Shape is null ? "mlp" : "unet",
                    ["steps"] = totalSteps,
                    ["final_loss"] = finalLoss,
                    ["classes"] = classes is null ? null : new JsonArray(classes.Names.Select(n => (JsonNode)n).ToArray()),
                    ["classifier"] = classes is null || classifierFree ? null : parse.GetValue(loss),
                    ["guidance"] = classes is null ? null : parse.GetValue(kind),
                    ["label_dropout"] = classifierFree ? options.LabelDropout : null,
                    ["cfg_weight"] = classifierFree ? parse.GetValue(cfgWeight) ?? 0 : null,
                    ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
                });
            else
                context.Out.WriteLine($"Trained a score model on {set.Describe()} for {totalSteps} steps" +
                    (finalLoss is double l ? string.Create(CultureInfo.InvariantCulture, $" (final loss {l:0.0000})") : "") +
                    (classes is null ? "" : classifierFree
                        ? string.Create(CultureInfo.InvariantCulture, $" conditioned on {classes.Names.Length} classes (label dropout {options.LabelDropout}, classifier-free guidance w = {parse.GetValue(cfgWeight) ?? 0})")
                        : $" and a {parse.GetValue(loss)} classifier of {classes.Names.Length} classes") +
                    $" and saved it to {model} in {clock.Elapsed.TotalSeconds:F1} s.");
            return 0;
        });
        return command;
    }

    // DATA with its labels as a key column "Label".
    static IDataView Labelled(MLContext ml, DataSet set, TrainingLabels classes) => set.Shape is ImageShape shape
        ? new LabelledImages(set.Values, classes.Classes, shape, classes.Names).ToDataView(ml)
        : new LabelledPoints(set.Values, set.Dimension, classes.Classes, classes.Names.Length).ToDataView(ml);

    // Options of one kind of guidance are refused with the other, and both without --labels, naming the option, before any work.
    static void RequireCompatible(ParseResult parse, bool labelled, bool classifierFree, Option[] classifierFreeOptions, Option[] classifierOptions)
    {
        var given = (Option[] options) => options.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToArray();
        var misplaced = labelled ? given(classifierFree ? classifierOptions : classifierFreeOptions[1..]) : given(classifierFreeOptions).Concat(given(classifierOptions)).ToArray();
        if (misplaced.Length == 0) return;
        throw new UsageException(!labelled
            ? $"{string.Join(", ", misplaced)}: only with --labels (a class-conditional model)."
            : classifierFree
            ? $"{string.Join(", ", misplaced)}: these set the DLSM classifier, which --guidance classifier-free does not train."
            : $"{string.Join(", ", misplaced)}: only with --guidance classifier-free (a class-conditional score model, no classifier).");
    }

    // DLSM stage 2 against the fitted score model, then the class-conditional sampler of classifier guidance, saved.
    static void SaveConditional(MLContext ml, ScoreModelTransformer scoreModel, IDataView labelled, ScoreModelOptions options,
        int steps, ClassifierLoss loss, double guidanceScale, string model, ToolContext context)
    {
        using var classifier = ml.ScoreMatching().Trainers.DlsmClassifier(scoreModel, new DlsmClassifierOptions
        {
            Loss = loss,
            Steps = steps,
            BatchSize = options.BatchSize,
            LearningRate = options.LearningRate,
            Seed = options.Seed,
            Threads = options.Threads,
            CancellationToken = context.Cancellation,
            ProgressInterval = Math.Max(1, steps / 10),
            Progress = new SynchronousProgress<ClassifierTrainingProgress>(p => context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"classifier step {p.Step}/{p.TotalSteps}  loss {p.Loss:0.0000}  {p.StepsPerSecond:0.0} steps/s"))),
        }).Fit(labelled);
        using var sampler = classifier.CreateSampler(new ConditionalSamplerOptions { Sampler = options.Sampler, GuidanceScale = guidanceScale });
        ml.ScoreMatching().Model.Save(sampler, labelled.Schema, model);
    }

    static Option<string> Choice(string name, string description, string defaultValue, IEnumerable<string> values)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.AcceptOnlyFromAmong(values.ToArray());
        return option;
    }

    static int[] ParseWidths(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var widths = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out widths[i]) || widths[i] < 1 || widths[i] > MlpOptions.MaxWidth)
                throw new UsageException($"--hidden must be comma-separated widths in [1, {MlpOptions.MaxWidth}] (e.g. 128,128), not '{text}'.");
        return widths;
    }

    /// <summary>Reports on the training thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
