import { EnvError } from '../config/env';

/** Runs a command-line entry point: configuration errors print one clear line, exit code 78. */
export function runCli(main: () => Promise<void>) {
  main().then(
    () => process.exit(0),
    (err) => {
      if (err instanceof EnvError) {
        console.error(err.message);
        process.exit(78);
      }
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
