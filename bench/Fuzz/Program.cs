using Recsys.Fuzz;
using SharpFuzz;

// Recsys.Fuzz <target>                 : the AFL++ entry point (bench/Fuzz/run.sh starts it under afl-fuzz)
// Recsys.Fuzz <target> --replay <dir>  : runs every saved input in-process and lists the distinct failures
// Recsys.Fuzz seeds <dir>               : writes the starting inputs, one folder per target
if (args is ["seeds", string seeds])
{
    await Seeds.WriteAsync(seeds);
    return 0;
}

if (args.Length == 0 || !FuzzTargets.Names.Contains(args[0]))
{
    Console.Error.WriteLine($"usage: Recsys.Fuzz <{string.Join('|', FuzzTargets.Names)}> [--replay <folder>]");
    return 2;
}

string target = args[0];
string scratch = Directory.CreateTempSubdirectory("recsys-fuzz-").FullName;
try
{
    if (args is [_, "--replay", string folder])
    {
        return Replay.Run(target, folder, scratch);
    }

    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        FuzzTargets.Run(target, copy.GetBuffer().AsSpan(0, (int)copy.Length), scratch);
    });
    return 0;
}
finally
{
    Directory.Delete(scratch, recursive: true);
}
