import { render } from 'preact';
import { App } from './app.tsx';

/** The dashboard's page (cli/dashboard/api.ts is its contract with the server). */
const root = document.getElementById('app');
if (root) render(<App />, root);
