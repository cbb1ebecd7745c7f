/**
 * Website: a plain web page (App Object flag `website`). No app library: it posts nothing and
 * listens to nothing; it only shows the query string it was loaded with ("Query: (none)" when
 * the client added no parameters, as it must not).
 */
const main = document.createElement('main');
const h1 = document.createElement('h1');
h1.append(document.createTextNode('Website'));
const p = document.createElement('p');
p.append(document.createTextNode(`Query: ${location.search || '(none)'}`));
main.append(h1, p);
document.body.append(main);
