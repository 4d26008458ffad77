using Microsoft.ML.OnnxRuntime;

namespace Recsys.Serving.Runtime;

/// <summary>
/// The pair graph's two inputs and its output, kept per thread: pinned arrays, <see cref="OrtValue"/>s over them
/// for the last row count, and run options (the name lists are the model's). A run then only fills the arrays;
/// making the tensors, options and lists for every run cost a few microseconds of a 1,000-candidate request. The arrays grow to the next power of
/// two and stay; a new row count makes new tensors over them (what every run used to pay), not new arrays. (An
/// <see cref="OrtIoBinding"/> over the same tensors measured 15 µs slower a run, so the plain run is kept.)
/// </summary>
internal sealed class PairBindings : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly ThreadLocal<Binding?> _threads = new(trackAllValues: true);

    /// <param name="inputNames">The graph's user and item inputs, in that order.</param>
    /// <param name="outputNames">Its score output.</param>
    public PairBindings(InferenceSession session, string[] inputNames, string[] outputNames)
    {
        _session = session;
        _inputNames = inputNames;
        _outputNames = outputNames;
    }

    /// <summary>This thread's binding, shaped for <paramref name="rows"/> rows; only this thread may use it, one run at a time.</summary>
    public Binding For(int rows)
    {
        Binding? binding = _threads.Value;
        if (binding is null || binding.Capacity < rows)
        {
            binding?.Dispose();
            _threads.Value = binding = new Binding(this, rows < 1 << 30 ? (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(rows, 1)) : rows);
        }

        binding.Shape(rows);
        return binding;
    }

    /// <summary>Frees every thread's binding; the model's last lease is gone, so no run is in flight.</summary>
    public void Dispose()
    {
        foreach (Binding? binding in _threads.Values)
        {
            binding?.Dispose();
        }

        _threads.Dispose();
    }

    internal sealed class Binding : IDisposable
    {
        private readonly PairBindings _owner;
        private readonly OrtValue[] _inputs = new OrtValue[2];
        private readonly OrtValue[] _outputs = new OrtValue[1];
        private readonly RunOptions _options = new();
        private int _rows = -1;

        public Binding(PairBindings owner, int capacity)
        {
            _owner = owner;
            Users = GC.AllocateUninitializedArray<long>(capacity, pinned: true);
            Items = GC.AllocateUninitializedArray<long>(capacity, pinned: true);
            Scores = GC.AllocateUninitializedArray<float>(capacity, pinned: true);
        }

        public int Capacity => Users.Length;

        public long[] Users { get; }

        public long[] Items { get; }

        public float[] Scores { get; }

        /// <summary>
        /// Runs the graph over the shaped rows of <see cref="Users"/> and <see cref="Items"/> into those of
        /// <see cref="Scores"/>; cancelling <paramref name="cancellationToken"/> terminates this run only.
        /// </summary>
        public void Run(CancellationToken cancellationToken) =>
            TerminableRun.Run(_owner._session, _options, _owner._inputNames, _inputs, _owner._outputNames, _outputs, cancellationToken);

        /// <summary>Tensors over the first <paramref name="rows"/> elements of the arrays, made anew only when the count changes.</summary>
        public void Shape(int rows)
        {
            if (rows == _rows)
            {
                return;
            }

            DisposeTensors();
            long[] shape = [rows];
            _inputs[0] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, Users.AsMemory(0, rows), shape);
            _inputs[1] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, Items.AsMemory(0, rows), shape);
            _outputs[0] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, Scores.AsMemory(0, rows), shape);
            _rows = rows;
        }

        public void Dispose()
        {
            DisposeTensors();
            _options.Dispose();
        }

        private void DisposeTensors()
        {
            foreach (OrtValue? value in (ReadOnlySpan<OrtValue?>)[_inputs[0], _inputs[1], _outputs[0]])
            {
                value?.Dispose();
            }

            _rows = -1;
        }
    }
}
