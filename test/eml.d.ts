// Vite's `?raw` import: a test fixture's text, as written. The .eml fixtures are 7-bit ASCII.
declare module "*.eml?raw" {
  const content: string;
  export default content;
}
