import { render } from "preact";
import { App } from "./app/app";
import "./styles/app.css";

// The app's root URL, wherever the server mounts it: this module is <root>/assets/<name>.js once
// built (and <root>/src/main.tsx under the dev server).
const root = new URL(/* @vite-ignore */ "../", import.meta.url).toString();

render(<App root={root} />, document.getElementById("app")!);
