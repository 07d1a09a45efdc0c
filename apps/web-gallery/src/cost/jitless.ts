import { z } from 'zod';

// The cost model validates its inputs with zod, which probes `new Function` to compile faster
// parsers. Under the gallery's CSP (no 'unsafe-eval') that probe is a reported violation; the
// interpreted parsers are plenty fast for one form.
z.config({ jitless: true });
