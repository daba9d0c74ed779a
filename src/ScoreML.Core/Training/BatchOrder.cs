namespace ScoreML;

/// <summary>How a <see cref="TrainingRun"/> picks the rows of each step's batch.</summary>
public enum BatchOrder
{
    /// <summary>
    /// Each epoch a fresh permutation of the rows from the run's seeded torch generator, cut into batches (the last one
    /// shorter). The only order a checkpoint can carry, so the one that supports resuming.
    /// </summary>
    Shuffled,

    /// <summary>
    /// Each epoch the rows sorted by a draw of <see cref="System.Random"/> seeded with the run's seed, cut into batches
    /// (the last one shorter): the order the classification accuracy score's network has always used.
    /// </summary>
    ShuffledBySystemRandom,

    /// <summary>
    /// Every batch <see cref="TrainingOptions.BatchSize"/> rows drawn with replacement by <see cref="System.Random"/> seeded with
    /// the run's seed (not capped at the number of rows); epochs do not apply.
    /// </summary>
    DrawnWithReplacement,
}
