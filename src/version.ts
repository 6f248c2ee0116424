// The package version, kept equal to package.json's (a test checks this).
export const VERSION = "0.1.0";
