// Tests share TorchSharp's global state (thread count, default generator), so they run one at a time.
[assembly: DoNotParallelize]
