import { mount } from 'svelte';
import './app.css';
import App from './views/App.svelte';
import { connect } from './api/connect.ts';

mount(App, { target: document.getElementById('app')!, props: { api: connect() } });
