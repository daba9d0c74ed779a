using System.Runtime.CompilerServices;

// The training core moved these from ScoreML.Trainers to ScoreML.Core (same namespace, ScoreML): programs compiled
// against the first release find them through the forwards.
[assembly: TypeForwardedTo(typeof(ScoreML.TrainingProgress))]
[assembly: TypeForwardedTo(typeof(ScoreML.TrainingCanceledException))]
